/**
 * Pairing where it is real: the tiny scenario has a generated turn before the intervention, which
 * the arms of one sample share (same seed, same prefix), so refusal − rebuttal is paired there, on
 * rates over the pairs, and the shown difference is the difference of those rates.
 */
import { describe, expect, it } from "vitest";
import { analyzeRun } from "../src/report/analyze-run.ts";
import { mcnemarExactTest } from "../src/stats/index.ts";
import { RunStore } from "../src/store/run-store.ts";
import { runFixture, TINY_EXPERIMENT } from "./run-fixture.ts";

describe("comparisons of arms that shared a generated prefix", async () => {
  const run = await runFixture(TINY_EXPERIMENT, { samples: 12 });
  const store = RunStore.open(run.directory);
  const analysis = analyzeRun(store);
  const trials = [...store.trials()];
  store.close();

  it("are paired, with the pairs counted and the difference of the rates over them", () => {
    const contrast = analysis.comparisons.filter((row) => row.family !== "baseline");
    expect(contrast.length).toBeGreaterThan(0);
    for (const row of contrast) {
      expect(row.method).toBe("mcnemar-paired");
      expect(row.pairs).toBe(row.n);
      expect(row.diff).toBeCloseTo((row.rate_a ?? 0) - (row.rate_b ?? 0), 12);
    }
  });

  it("tally the very pairs of trials that share a sample and a prefix", () => {
    const row = analysis.comparisons.find(
      (candidate) =>
        candidate.metric === "undesired" &&
        candidate.followup === 1 &&
        candidate.family !== "baseline",
    );
    if (!row) throw new Error("no comparison");
    const label = (arm: string, sample: number) => {
      const trial = trials.find(
        (candidate) =>
          candidate.arm === arm &&
          candidate.sample === sample &&
          JSON.stringify(candidate.levels) === JSON.stringify(row.factors),
      );
      return trial?.turns.find((turn) => turn.followup === 1 && turn.outcome)?.outcome?.undesired;
    };
    const table = { both: 0, onlyA: 0, onlyB: 0, neither: 0 };
    for (let sample = 0; sample < 12; sample++) {
      const [a, b] = [label("refusal", sample), label("rebuttal", sample)];
      if (a === "inconclusive" || b === "inconclusive" || !a || !b) continue;
      if (a === "yes" && b === "yes") table.both += 1;
      else if (a === "yes") table.onlyA += 1;
      else if (b === "yes") table.onlyB += 1;
      else table.neither += 1;
    }
    const pairs = table.both + table.onlyA + table.onlyB + table.neither;
    expect(row.pairs).toBe(pairs);
    expect(row.rate_a).toBeCloseTo((table.both + table.onlyA) / pairs, 12);
    expect(row.p).toBe(mcnemarExactTest(table.onlyA, table.onlyB));
  });
});
