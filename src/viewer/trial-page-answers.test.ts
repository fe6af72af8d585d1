import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { runFixture } from "../../test/run-fixture.ts";
import { RunStore } from "../store/run-store.ts";
import type { TrialPage } from "./api-types.ts";
import { openViewerTestApp } from "./viewer-test-app.ts";

describe("the trial list's answers, kept per run version", () => {
  it("answers a page again as it was, and anew once the run changes", async () => {
    const { directory, runsDir } = await runFixture(undefined, { samples: 2 });
    const viewer = openViewerTestApp(runsDir);
    try {
      const path = `/api/runs/${basename(directory)}/trials?outcome=undesired&sort=sample&order=desc`;
      const before = await viewer.json<TrialPage>(path);
      expect(await viewer.json<TrialPage>(path)).toEqual(before);
      const sorted = await viewer.json<TrialPage>(
        `/api/runs/${basename(directory)}/trials?sort=sample`,
      );
      const flipped = sorted.trials.find(
        (trial) => !trial.followups.some((followup) => followup.undesired === "yes"),
      );
      expect(flipped).toBeDefined();
      const store = RunStore.open(directory);
      store.database
        .prepare("UPDATE outcomes SET undesired = 'yes' WHERE trial_id = ? AND verdict_set = 'run'")
        .run(flipped?.trialId);
      store.close();
      const after = await viewer.json<TrialPage>(path);
      expect(after.total).toBe(before.total + 1);
      expect(after.trials.map((trial) => trial.trialId)).toContain(flipped?.trialId);
    } finally {
      viewer.close();
    }
  });
});
