import { describe, expect, it } from "vitest";
import { holmAdjust } from "./adjust-p-values.ts";
import { cmhPower, cmhSampleSize } from "./cmh-power.ts";
import { mantelHaenszel, type StratumTable } from "./mantel-haenszel.ts";
import { drawBinomial, seededUniform } from "./seeded-uniform.ts";

const DESIGN = { strata: 4, rateA: 0.4, rateB: 0.6, alpha: 0.05, familySize: 3 } as const;

function simulateTables(
  uniform: () => number,
  strata: number,
  perArm: number,
  rateA: number,
  rateB: number,
): StratumTable[] {
  return Array.from({ length: strata }, () => {
    const aYes = drawBinomial(uniform, perArm, rateA);
    const bYes = drawBinomial(uniform, perArm, rateB);
    return { aYes, aNo: perArm - aYes, bYes, bNo: perArm - bYes };
  });
}

/**
 * Complete experiments of three scenarios, each tested by the real mantelHaenszel and the family
 * adjusted by holmAdjust; counts how often each scenario is rejected at alpha after Holm, and how
 * often any is.
 */
function simulateFamilies(
  seed: number,
  experiments: number,
  perArm: number,
  scenarios: ReadonlyArray<readonly [rateA: number, rateB: number]>,
) {
  const uniform = seededUniform(seed);
  const rejections = scenarios.map(() => 0);
  let anyRejected = 0;
  for (let experiment = 0; experiment < experiments; experiment++) {
    const pValues = scenarios.map(
      ([rateA, rateB]) =>
        mantelHaenszel(simulateTables(uniform, DESIGN.strata, perArm, rateA, rateB))
          .cochranMantelHaenszel.pValue,
    );
    const rejected = holmAdjust(pValues).map((adjusted) => adjusted <= DESIGN.alpha);
    rejected.forEach((isRejected, index) => {
      if (isRejected) rejections[index] = (rejections[index] as number) + 1;
    });
    if (rejected.some(Boolean)) anyRejected++;
  }
  return {
    rates: rejections.map((count) => count / experiments),
    familyWise: anyRejected / experiments,
  };
}

describe("cmhSampleSize, checked by simulating whole Holm-adjusted experiments", () => {
  const size = cmhSampleSize({ ...DESIGN, power: 0.8 });
  const experiments = 5_000;

  it("finds a size whose simulated power reaches 80%", () => {
    // The normal approximation gives 33 per arm per stratum as well.
    expect(size.decidedPerArmPerStratum).toBe(33);
    expect(size.achievedPower).toBeGreaterThanOrEqual(0.8);
    expect(size.normalApproximation).toBe(33);
  });

  it("rejects a real 0.4 vs 0.6 difference after Holm in at least 78% of experiments", () => {
    // Worst case for Holm: the other two scenarios have no effect, so its first step
    // (Bonferroni) decides. Another seed than the size search used.
    const { rates } = simulateFamilies(20_260_302, experiments, size.decidedPerArmPerStratum, [
      [DESIGN.rateA, DESIGN.rateB],
      [0.5, 0.5],
      [0.5, 0.5],
    ]);
    // Measured 0.809; Monte Carlo standard error about 0.0056.
    expect(rates[0]).toBeGreaterThanOrEqual(0.78);
  });

  it("rejects more often when every scenario has the effect (Holm's later steps are easier)", () => {
    const { rates } = simulateFamilies(20_260_303, experiments, size.decidedPerArmPerStratum, [
      [DESIGN.rateA, DESIGN.rateB],
      [DESIGN.rateA, DESIGN.rateB],
      [DESIGN.rateA, DESIGN.rateB],
    ]);
    // Measured 0.881, 0.898 and 0.885.
    for (const rate of rates) expect(rate).toBeGreaterThanOrEqual(0.8);
  });

  it("keeps the family-wise error rate at most 5.5% when no scenario has an effect", () => {
    const { familyWise } = simulateFamilies(20_260_304, experiments, size.decidedPerArmPerStratum, [
      [0.5, 0.5],
      [0.5, 0.5],
      [0.5, 0.5],
    ]);
    // Measured 0.045; Monte Carlo standard error about 0.003 around 0.05.
    expect(familyWise).toBeLessThanOrEqual(0.055);
  });
});

describe("cmhSampleSize", () => {
  it("returns the smallest size where the power at it and the next size reach the target", () => {
    const size = cmhSampleSize({ ...DESIGN, power: 0.8 });
    const at = (perArmPerStratum: number) => cmhPower({ ...DESIGN, perArmPerStratum }).power;
    const n = size.decidedPerArmPerStratum;
    expect(at(n)).toBe(size.achievedPower);
    expect(at(n + 1)).toBeGreaterThanOrEqual(0.8);
    expect(at(n - 1) < 0.8 || at(n) < 0.8).toBe(true);
  });

  it("inflates the decided size for inconclusive verdicts", () => {
    const decided = cmhSampleSize({ ...DESIGN });
    const planned = cmhSampleSize({ ...DESIGN, inconclusiveFraction: 0.2 });
    expect(planned.decidedPerArmPerStratum).toBe(decided.decidedPerArmPerStratum);
    expect(planned.plannedPerArmPerStratum).toBe(Math.ceil(decided.decidedPerArmPerStratum / 0.8));
    expect(decided.plannedPerArmPerStratum).toBe(decided.decidedPerArmPerStratum);
  });

  it("needs more observations for more power, a larger family or a smaller difference", () => {
    const base = cmhSampleSize({ ...DESIGN }).decidedPerArmPerStratum;
    expect(cmhSampleSize({ ...DESIGN, power: 0.9 }).decidedPerArmPerStratum).toBeGreaterThan(base);
    expect(cmhSampleSize({ ...DESIGN, familySize: 6 }).decidedPerArmPerStratum).toBeGreaterThan(
      base,
    );
    expect(cmhSampleSize({ ...DESIGN, rateA: 0.45 }).decidedPerArmPerStratum).toBeGreaterThan(base);
  });

  it.each([
    { rateA: 0.5, rateB: 0.5 },
    { rateA: 0, rateB: 0.5 },
    { power: 1 },
    { inconclusiveFraction: 1 },
    { inconclusiveFraction: -0.1 },
    { strata: 0 },
    { familySize: 1.5 },
    { simulations: 0 },
    { seed: 0.5 },
  ])("rejects %o", (override) => {
    expect(() => cmhSampleSize({ ...DESIGN, ...override })).toThrow(RangeError);
  });
});

describe("cmhPower", () => {
  it("holds the test's level under the null", () => {
    const result = cmhPower({ ...DESIGN, rateA: 0.5, rateB: 0.5, perArmPerStratum: 33 });
    expect(result.level).toBeCloseTo(0.05 / 3, 15);
    expect(Math.abs(result.power - result.level)).toBeLessThan(4 * result.standardError + 0.002);
  });

  it("matches the rejection rate of the real mantelHaenszel test", () => {
    const perArm = 20;
    const simulated = cmhPower({ ...DESIGN, perArmPerStratum: perArm, simulations: 4_000 });
    const uniform = seededUniform(77);
    let rejected = 0;
    for (let experiment = 0; experiment < 4_000; experiment++) {
      const tables = simulateTables(uniform, DESIGN.strata, perArm, DESIGN.rateA, DESIGN.rateB);
      if (mantelHaenszel(tables).cochranMantelHaenszel.pValue <= simulated.level) rejected++;
    }
    // Two independent estimates of one probability: within four joint standard errors.
    expect(Math.abs(rejected / 4_000 - simulated.power)).toBeLessThan(
      4 * Math.SQRT2 * simulated.standardError,
    );
  });

  it("replays for a seed and reports the Monte Carlo standard error", () => {
    const options = { ...DESIGN, perArmPerStratum: 25, simulations: 1_000, seed: 9 };
    const result = cmhPower(options);
    expect(cmhPower(options)).toEqual(result);
    expect(result.standardError).toBeCloseTo(
      Math.sqrt((result.power * (1 - result.power)) / 1_000),
      15,
    );
  });

  it.each([
    { perArmPerStratum: 0 },
    { perArmPerStratum: 2.5 },
    { rateA: 1.2 },
    { rateB: -0.1 },
    { alpha: 0 },
    { familySize: 0 },
  ])("rejects %o", (override) => {
    expect(() => cmhPower({ ...DESIGN, perArmPerStratum: 10, ...override })).toThrow(RangeError);
  });
});
