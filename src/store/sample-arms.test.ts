import { beforeAll, describe, expect, it } from "vitest";
import { runFixture } from "../../test/run-fixture.ts";
import { ARMS } from "../spec/experiment.ts";
import { RunStore } from "./run-store.ts";
import { sampleArms } from "./sample-arms.ts";

interface Row {
  trial_id: string;
  subject: string;
  scenario_id: string;
  levels_json: string;
  sample: number;
  arm: string;
}

describe("the arms of one sample", () => {
  let store: RunStore;
  let rows: Row[] = [];

  beforeAll(async () => {
    const run = await runFixture(undefined, {
      samples: 2,
      subjects: ["sim:default", "sim:test/fixtures/sim/weaker-rebuttal.yaml"],
    });
    store = RunStore.open(run.directory);
    rows = store.database
      .prepare("SELECT trial_id, subject, scenario_id, levels_json, sample, arm FROM trials")
      .all() as Row[];
    return () => store.close();
  });

  const sampleOf = (row: Row) =>
    JSON.stringify([row.subject, row.scenario_id, row.levels_json, row.sample]);

  it("finds, from every trial, each arm of its sample once and nothing of another sample", () => {
    // Two subjects, four factor combinations and two samples: a sibling found across any of them
    // would make a list longer than the four arms, or name a trial of another sample.
    expect(new Set(rows.map((row) => row.subject)).size).toBe(2);
    expect(new Set(rows.map((row) => row.levels_json)).size).toBe(4);
    const byId = new Map(rows.map((row) => [row.trial_id, row]));
    for (const row of rows) {
      const arms = sampleArms(store.database, row.trial_id) ?? [];
      expect(arms.map((arm) => arm.arm).sort()).toEqual([...ARMS].sort());
      expect(arms.map((arm) => arm.trialId)).toContain(row.trial_id);
      for (const arm of arms) {
        const sibling = byId.get(arm.trialId) as Row;
        expect(sampleOf(sibling)).toBe(sampleOf(row));
        expect(sibling.arm).toBe(arm.arm);
        expect(arm.status).toBe("complete");
      }
    }
  });

  it("gives the prefix hash each arm recorded, and nothing for an unknown trial", () => {
    const [first] = rows;
    const arms = sampleArms(store.database, (first as Row).trial_id) ?? [];
    const stored = store.database.prepare("SELECT prefix_hash FROM trials WHERE trial_id = ?");
    for (const arm of arms)
      expect(arm.prefixHash).toBe(
        (stored.get(arm.trialId) as { prefix_hash: string | null }).prefix_hash,
      );
    expect(sampleArms(store.database, "no-such-trial")).toBeUndefined();
  });

  it("looks the siblings up through the trials_by_sample index", () => {
    const plan = store.database
      .prepare(
        `EXPLAIN QUERY PLAN SELECT sibling.trial_id FROM trials AS trial
         JOIN trials AS sibling ON sibling.subject = trial.subject
           AND sibling.scenario_id = trial.scenario_id AND sibling.levels_json = trial.levels_json
           AND sibling.sample = trial.sample
         WHERE trial.trial_id = ?`,
      )
      .all("x") as Array<{ detail: string }>;
    expect(plan.map((step) => step.detail).join("\n")).toMatch(/trials_by_sample/);
  });
});
