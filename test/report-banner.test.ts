/**
 * A run that is not complete says so at the top of report.md and report.html, with the command
 * that finishes it; a complete run, and a stopped one once resumed to the end, carry no banner.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeReport } from "../src/report/write-report.ts";
import { createParticipants } from "../src/runner/create-participants.ts";
import { resumeRun, runExperiment } from "../src/runner/run-experiment.ts";
import { applyOverrides } from "../src/spec/apply-overrides.ts";
import { loadExperiment } from "../src/spec/load-experiment.ts";
import { readRunStop } from "../src/store/run-stop.ts";
import { RunStore } from "../src/store/run-store.ts";
import { runFixture, TINY_EXPERIMENT, temporaryDirectory } from "./run-fixture.ts";

async function reports(directory: string): Promise<{ markdown: string; html: string }> {
  const store = RunStore.openForReading(directory);
  try {
    const { markdownPath, htmlPath } = await writeReport(store);
    return { markdown: readFileSync(markdownPath, "utf8"), html: readFileSync(htmlPath, "utf8") };
  } finally {
    store.close();
  }
}

describe("the report's banner", () => {
  it("is absent from a complete run's reports", async () => {
    const { directory } = await runFixture(TINY_EXPERIMENT, { samples: 1 });
    const { markdown, html } = await reports(directory);
    expect(markdown).not.toContain("candor resume");
    expect(html.includes('class="run-banner"')).toBe(false);
  });

  it("says a stopped run was stopped and how to finish it, until a resume finishes it", async () => {
    const experiment = applyOverrides(loadExperiment(TINY_EXPERIMENT), { samples: 1 });
    const runsDir = temporaryDirectory();
    const stopped = await runExperiment(experiment, createParticipants(experiment), {
      runsDir,
      signal: AbortSignal.abort(),
    });
    expect(stopped.stoppedBecause).toBe("interrupted");
    const { directory } = stopped;
    const { markdown, html } = await reports(directory);
    expect(markdown).toContain("> **STOPPED BY THE USER (CTRL-C OR A STOP SIGNAL).**");
    expect(markdown).toContain(`Finish it with: candor resume ${directory}`);
    expect(html).toContain('<p class="run-banner" role="note"><strong>Stopped by the user');
    expect(html).toContain(`<code>candor resume ${directory}</code>`);

    const store = RunStore.open(directory);
    try {
      expect(readRunStop(store.database)?.kind).toBe("user");
      await resumeRun(store, experiment, createParticipants(experiment), { runsDir });
      expect(readRunStop(store.database)).toBeNull();
    } finally {
      store.close();
    }
    const resumed = await reports(directory);
    expect(resumed.markdown).not.toContain("candor resume");
    expect(resumed.html.includes('class="run-banner"')).toBe(false);
    expect(readFileSync(join(directory, "report.md"), "utf8")).toBe(resumed.markdown);
  });
});
