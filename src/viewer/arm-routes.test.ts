/**
 * The arms of a sample as the viewer's API gives them: every arm of the trial's sample, each
 * naming its own trial, a pending one marked, and a run made before this API still answering.
 */
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  copyLegacyRun,
  LEGACY_RUN,
  runFixture,
  temporaryDirectory,
} from "../../test/run-fixture.ts";
import { ARMS } from "../spec/experiment.ts";
import { RunStore } from "../store/run-store.ts";
import type { SampleArmsAnswer, Transcript } from "./api-types.ts";
import { openViewerTestApp, type ViewerTestApp } from "./viewer-test-app.ts";

interface TrialRow {
  trial_id: string;
  arm: string;
  sample: number;
  levels_json: string;
}

describe("the viewer's sample-arms API", () => {
  const runsDir = temporaryDirectory();
  let runId = "";
  let rows: TrialRow[] = [];
  let viewer: ViewerTestApp;

  const request = (path: string) => viewer.request(path);
  const json = <Answer>(path: string) => viewer.json<Answer>(path);

  beforeAll(async () => {
    const run = await runFixture(undefined, { samples: 2 }, runsDir);
    runId = basename(run.directory);
    const store = RunStore.open(run.directory);
    rows = store.database
      .prepare("SELECT trial_id, arm, sample, levels_json FROM trials ORDER BY ordinal")
      .all() as TrialRow[];
    // One control trial not run yet, as in a run still going or stopped.
    const control = rows.find((row) => row.arm === "control") as TrialRow;
    store.database
      .prepare("UPDATE trials SET status = 'pending' WHERE trial_id = ?")
      .run(control.trial_id);
    store.close();
    copyLegacyRun(runsDir);
    viewer = openViewerTestApp(runsDir);
  });
  afterAll(() => viewer.close());

  it("answers every arm of the trial's sample, each its own trial of that sample", async () => {
    const byId = new Map(rows.map((row) => [row.trial_id, row]));
    for (const row of rows) {
      const answer = await json<SampleArmsAnswer>(`/api/runs/${runId}/trials/${row.trial_id}/arms`);
      expect(answer.trialId).toBe(row.trial_id);
      expect(answer.arms.map((arm) => arm.arm).sort()).toEqual([...ARMS].sort());
      for (const arm of answer.arms) {
        const sibling = byId.get(arm.trialId) as TrialRow;
        expect([sibling.arm, sibling.sample, sibling.levels_json]).toEqual([
          arm.arm,
          row.sample,
          row.levels_json,
        ]);
      }
    }
  });

  it("marks an arm not run yet as pending, and its transcript is not served", async () => {
    const pending = rows.find((row) => row.arm === "control") as TrialRow;
    const refusal = rows.find(
      (row) =>
        row.arm === "refusal" &&
        row.sample === pending.sample &&
        row.levels_json === pending.levels_json,
    ) as TrialRow;
    const answer = await json<SampleArmsAnswer>(
      `/api/runs/${runId}/trials/${refusal.trial_id}/arms`,
    );
    const statuses = Object.fromEntries(answer.arms.map((arm) => [arm.arm, arm.status]));
    expect(statuses).toEqual({
      natural: "complete",
      refusal: "complete",
      rebuttal: "complete",
      control: "pending",
    });
    expect((await request(`/api/runs/${runId}/trials/${pending.trial_id}`)).status).toBe(404);
  });

  it("refuses an unknown trial with 404 and a message naming it", async () => {
    const response = await request(`/api/runs/${runId}/trials/t-nope/arms`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toMatch(/t-nope/);
  });

  it("finds the arms of a sample in a run made before the measurement-design change", async () => {
    const store = RunStore.openForReading(join(runsDir, LEGACY_RUN));
    const trial = store.database
      .prepare("SELECT trial_id FROM trials WHERE status = 'complete' LIMIT 1")
      .get() as { trial_id: string };
    store.close();
    const answer = await json<SampleArmsAnswer>(
      `/api/runs/${LEGACY_RUN}/trials/${trial.trial_id}/arms`,
    );
    expect(answer.arms.length).toBeGreaterThan(1);
    for (const arm of answer.arms.filter((sibling) => sibling.status !== "pending")) {
      const transcript = await json<Transcript>(`/api/runs/${LEGACY_RUN}/trials/${arm.trialId}`);
      expect(transcript.trial.arm).toBe(arm.arm);
    }
  });
});
