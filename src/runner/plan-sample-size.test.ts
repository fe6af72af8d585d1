/**
 * The planner keeps its promise: experiments simulated at the size `plan --detect 0.2 --power 0.8`
 * gives the paper experiment, with inconclusive verdicts at the rate it allowed for, analysed as
 * the report analyses them (CMH per scenario over its cells, Holm across scenarios), reject at
 * least as often as promised, and no more often than alpha when there is nothing to detect.
 */
import { describe, expect, it } from "vitest";
import { loadExperiment } from "../spec/load-experiment.ts";
import { holmAdjust } from "../stats/adjust-p-values.ts";
import { mantelHaenszel, type StratumTable } from "../stats/mantel-haenszel.ts";
import { drawBinomial, seededUniform } from "../stats/seeded-uniform.ts";
import { planSampleSize } from "./plan-sample-size.ts";

const EXPERIMENTS = 1_000;
const INCONCLUSIVE = 0.1;
const experiment = loadExperiment(
  new URL("../../experiments/paper.yaml", import.meta.url).pathname,
);

/** One scenario's cells: each arm's `samples` turns, some inconclusive, the rest yes or no. */
function simulateScenario(
  uniform: () => number,
  cells: number,
  samples: number,
  rateA: number,
  rateB: number,
): StratumTable[] {
  return Array.from({ length: cells }, () => {
    const decidedA = samples - drawBinomial(uniform, samples, INCONCLUSIVE);
    const decidedB = samples - drawBinomial(uniform, samples, INCONCLUSIVE);
    const aYes = drawBinomial(uniform, decidedA, rateA);
    const bYes = drawBinomial(uniform, decidedB, rateB);
    return { aYes, aNo: decidedA - aYes, bYes, bNo: decidedB - bYes };
  });
}

function rejections(samples: number, rateA: number, rateB: number, seed: number) {
  const uniform = seededUniform(seed);
  const cells = experiment.scenarios.map((scenario) =>
    Object.values(scenario.levels).reduce((product, levels) => product * levels.length, 1),
  );
  let first = 0;
  let any = 0;
  for (let run = 0; run < EXPERIMENTS; run++) {
    const pValues = cells.map(
      (count) =>
        mantelHaenszel(simulateScenario(uniform, count, samples, rateA, rateB))
          .cochranMantelHaenszel.pValue,
    );
    const adjusted = holmAdjust(pValues);
    if ((adjusted[0] ?? 1) < 0.05) first += 1;
    if (adjusted.some((p) => p < 0.05)) any += 1;
  }
  return { first: first / EXPERIMENTS, any: any / EXPERIMENTS };
}

describe("plan --detect for the primary analysis", () => {
  const answer = planSampleSize(experiment, {
    detect: 0.2,
    power: 0.8,
    alpha: 0.05,
    inconclusiveFraction: INCONCLUSIVE,
  });

  it("sizes every scenario's test for the Holm family of all of them", () => {
    expect(answer.family_size).toBe(3);
    expect(answer.rates[0]).toBeCloseTo(0.4, 12);
    expect(answer.rates[1]).toBeCloseTo(0.6, 12);
    for (const row of answer.by_scenario) {
      expect(row.achieved_power).toBeGreaterThanOrEqual(0.8);
      expect(row.samples).toBe(Math.ceil(row.decided_per_arm_per_cell / (1 - INCONCLUSIVE)));
    }
  });

  it("rejects in at least 78% of simulated experiments at that size", () => {
    const observed = rejections(answer.samples, 0.6, 0.4, 20261204).first;
    expect(observed).toBeGreaterThanOrEqual(0.78);
  });

  it("rejects anything in at most 5.5% of them when nothing differs", () => {
    expect(rejections(answer.samples, 0.5, 0.5, 4).any).toBeLessThanOrEqual(0.055);
  });
});
