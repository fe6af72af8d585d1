/**
 * `candor view` follows a run while it is written: the results page of a run in progress shows
 * more trials as they finish without a reload, with an "in progress" banner and the session's
 * calls per endpoint; once the run is stopped (Ctrl-C) the same page says so and how to finish it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunLive, RunsLive } from "../src/viewer/api-types.ts";
import { launchChromium, SKIP_BROWSER_TESTS } from "./browser/chromium.ts";
import { closeViewerTest } from "./browser/open-viewer-page.ts";
import { startViewerProcess, type ViewerProcess } from "./browser/start-viewer.ts";
import {
  REPOSITORY_ROOT,
  stubRunArguments,
  TINY_EXPERIMENT,
  temporaryDirectory,
} from "./run-fixture.ts";
import { type RunningStub, startOpenAIStub } from "./stubs/openai-stub-server.ts";

/** Waits on what the page or the API shows, long enough for a loaded machine. */
const UNTIL_SHOWN = { timeout: 60_000, interval: 50 };

async function apiJson<Answer>(viewer: ViewerProcess, path: string): Promise<Answer> {
  const response = await fetch(new URL(path, viewer.url));
  return (await response.json()) as Answer;
}

/** The "N complete" the results page's header shows, or -1 before it shows one. */
async function shownComplete(page: Page): Promise<number> {
  const text =
    (await page
      .locator(".run-header .facts")
      .textContent()
      .catch(() => "")) ?? "";
  const match = /(\d+) complete, \d+ error, \d+ pending/.exec(text);
  return match ? Number(match[1]) : -1;
}

describe.skipIf(SKIP_BROWSER_TESTS)("candor view during a run", { timeout: 300_000 }, () => {
  const runsDir = temporaryDirectory();
  let stub: RunningStub;
  let viewer: ViewerProcess;
  let browser: Browser;
  let run: ChildProcess | undefined;
  let runExit: Promise<number | null> | undefined;

  beforeAll(async () => {
    // Every reply waits a little, one call at a time: the run takes minutes unless stopped.
    stub = await startOpenAIStub({ latencyMs: 150 });
    [viewer, browser] = await Promise.all([startViewerProcess(runsDir), launchChromium()]);
  });

  afterAll(async () => {
    if (run && run.exitCode === null) {
      run.kill("SIGKILL");
      await runExit;
    }
    await closeViewerTest({ browser, viewer });
    await stub?.close();
  });

  it("updates the results page without a reload, then shows the stop and how to resume", async () => {
    run = spawn(
      process.execPath,
      [
        "bin/candor.js",
        ...stubRunArguments({
          experiment: TINY_EXPERIMENT,
          subject: "openai:stub-model",
          samples: 40,
          baseURL: stub.baseURL,
          runsDir,
        }),
        "--max-concurrency",
        "1",
      ],
      { cwd: REPOSITORY_ROOT, env: { ...process.env, OPENAI_API_KEY: "sk-test-live-viewer" } },
    );
    const child = run;
    runExit = new Promise((resolve) => child.once("exit", resolve));

    let runId = "";
    await expect
      .poll(async () => {
        const live = await apiJson<RunsLive>(viewer, "/api/live");
        runId = live.runs.find((entry) => entry.writing)?.runId ?? "";
        return runId;
      }, UNTIL_SHOWN)
      .not.toBe("");
    await expect
      .poll(
        async () => (await apiJson<RunLive>(viewer, `/api/runs/${runId}/live`)).status.complete,
        UNTIL_SHOWN,
      )
      .toBeGreaterThan(0);

    const page = await browser.newPage();
    await page.goto(new URL(`/runs/${runId}`, viewer.url).href);
    await page.evaluate(() => {
      (window as unknown as { __liveMarker: string }).__liveMarker = "same page";
    });
    const banner = page.locator(".run-banner");
    await expect.poll(() => banner.getAttribute("data-state"), UNTIL_SHOWN).toBe("in-progress");
    await expect.poll(() => shownComplete(page), UNTIL_SHOWN).toBeGreaterThan(0);
    const first = await shownComplete(page);
    // The session's calls per endpoint, with the stub's address and no key.
    await expect
      .poll(() => banner.locator("table.endpoints").textContent(), UNTIL_SHOWN)
      .toContain("openai:stub-model");
    expect(await banner.textContent()).not.toContain("sk-test-live-viewer");

    await expect.poll(() => shownComplete(page), UNTIL_SHOWN).toBeGreaterThan(first);
    expect(await page.evaluate(() => (window as { __liveMarker?: string }).__liveMarker)).toBe(
      "same page",
    );

    // The trials page follows the run too: its count grows on the same page.
    const trials = await browser.newPage();
    await trials.goto(new URL(`/runs/${runId}/trials`, viewer.url).href);
    const total = async () =>
      Number(
        (await trials
          .locator(".count")
          .getAttribute("data-total")
          .catch(() => null)) ?? -1,
      );
    await expect.poll(total, UNTIL_SHOWN).toBeGreaterThan(0);
    const listed = await total();
    await expect.poll(total, UNTIL_SHOWN).toBeGreaterThan(listed);
    await trials.close();

    child.kill("SIGINT");
    expect(await runExit).toBe(1);
    await expect.poll(() => banner.getAttribute("data-state"), UNTIL_SHOWN).toBe("stopped");
    const directory = join(runsDir, runId);
    const stopped = (await banner.textContent()) ?? "";
    expect(stopped).toContain("Stopped by the user");
    expect(stopped).toContain(`candor resume ${directory}`);
    expect(stopped).not.toContain("This session");
    expect(await page.evaluate(() => (window as { __liveMarker?: string }).__liveMarker)).toBe(
      "same page",
    );

    // The runs list marks it, and its report carries the same banner.
    await page.goto(viewer.url);
    await expect
      .poll(() => page.locator(`tr:has(a[href="/runs/${runId}"]) .badge-run-stopped`).count(), {
        ...UNTIL_SHOWN,
      })
      .toBe(1);
    const markdown = readFileSync(join(directory, "report.md"), "utf8");
    expect(markdown).toContain("STOPPED BY THE USER");
    expect(markdown).toContain(`candor resume ${directory}`);
    await page.close();
  });
});
