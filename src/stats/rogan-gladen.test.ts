import { describe, expect, it } from "vitest";
import reference from "./__fixtures__/agreement-reference.json" with { type: "json" };
import {
  type CorrectedPrevalenceInput,
  correctedPrevalence,
  correctedRiskDifference,
  roganGladen,
} from "./rogan-gladen.ts";
import { drawBinomial, seededUniform } from "./seeded-uniform.ts";
import { wilsonInterval } from "./wilson-interval.ts";

describe("roganGladen", () => {
  it.each(reference.roganGladen)(
    "matches the reference for p = $apparentRate, Se = $sensitivity, Sp = $specificity",
    ({ apparentRate, sensitivity, specificity, rate }) => {
      const actual = roganGladen(apparentRate, sensitivity, specificity);
      if (rate === null) expect(actual).toBeNaN();
      else expect(actual).toBeCloseTo(rate, 10);
    },
  );

  it("returns the apparent rate for a perfect judge", () => {
    expect(roganGladen(0.37, 1, 1)).toBeCloseTo(0.37, 12);
  });

  it("passes NaN through and rejects values outside [0, 1]", () => {
    expect(roganGladen(0.3, Number.NaN, 0.9)).toBeNaN();
    expect(() => roganGladen(1.2, 0.9, 0.9)).toThrow(RangeError);
    expect(() => roganGladen(0.3, -0.1, 0.9)).toThrow(RangeError);
    expect(() => roganGladen(0.3, 0.9, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

function validationFrom(
  truePositives: number,
  positives: number,
  trueNegatives: number,
  negatives: number,
): CorrectedPrevalenceInput["validation"] {
  return { truePositives, positives, trueNegatives, negatives };
}

describe("correctedPrevalence", () => {
  it.each(reference.correctedPrevalence)(
    "matches the reference for $positives/$n (Se $validation.truePositives/$validation.positives, Sp $validation.trueNegatives/$validation.negatives)",
    (testCase) => {
      const result = correctedPrevalence(testCase);
      expect(result.raw).toBeCloseTo(testCase.raw, 10);
      expect(result.labels).toBe(testCase.labels);
      expect(result.rate).toBeCloseTo(testCase.rate, 10);
      // The numpy draws are 20,000 from another generator: only close, not equal.
      expect(Math.abs(result.ci[0] - testCase.bootstrapLower)).toBeLessThan(0.015);
      expect(Math.abs(result.ci[1] - testCase.bootstrapUpper)).toBeLessThan(0.015);
      expect(Math.abs(result.uninformativeShare - testCase.uninformativeShare)).toBeLessThan(0.03);
    },
  );

  it.each(reference.correctedPrevalence)(
    "puts the estimate inside its interval for $positives/$n (Se $validation.truePositives/$validation.positives, Sp $validation.trueNegatives/$validation.negatives)",
    (testCase) => {
      const { rate, ci } = correctedPrevalence(testCase);
      expect(ci[0]).toBeLessThanOrEqual(rate);
      expect(rate).toBeLessThanOrEqual(ci[1]);
    },
  );

  it("widens to [0, 1] when the validation set cannot rule out an uninformative judge", () => {
    // Se = 3/5, Sp = 5/7: about 14% of draws have Se* + Sp* <= 1.
    const result = correctedPrevalence({
      positives: 70,
      n: 200,
      validation: validationFrom(3, 5, 5, 7),
    });
    expect(result.ci).toEqual([0, 1]);
  });

  it("narrows as the validation set grows", () => {
    const widthWith = (scale: number) => {
      const { ci } = correctedPrevalence({
        positives: 300,
        n: 1_000,
        validation: validationFrom(34 * scale, 40 * scale, 54 * scale, 60 * scale),
      });
      return ci[1] - ci[0];
    };
    const widths = [1, 4, 16].map(widthWith);
    expect(widths[1]).toBeLessThan(widths[0] as number);
    expect(widths[2]).toBeLessThan(widths[1] as number);
  });

  it("replays the same interval for the same seed", () => {
    const input = { positives: 120, n: 400, validation: validationFrom(30, 36, 50, 58) };
    const first = correctedPrevalence({ ...input, seed: 3 });
    expect(correctedPrevalence({ ...input, seed: 3 }).ci).toEqual(first.ci);
    expect(correctedPrevalence({ ...input, seed: 4 }).ci).not.toEqual(first.ci);
    expect(correctedPrevalence(input).ci).toEqual(correctedPrevalence({ ...input, seed: 1 }).ci);
  });

  it.each([
    ["no judged turns", { positives: 0, n: 0, validation: validationFrom(9, 10, 9, 10) }],
    ["no validation positives", { positives: 5, n: 50, validation: validationFrom(0, 0, 9, 10) }],
    ["no validation negatives", { positives: 5, n: 50, validation: validationFrom(9, 10, 0, 0) }],
    ["Se + Sp <= 1", { positives: 5, n: 50, validation: validationFrom(4, 10, 6, 10) }],
  ])("returns NaN with the interval [0, 1] for %s", (_, input: CorrectedPrevalenceInput) => {
    const result = correctedPrevalence(input);
    expect(result.rate).toBeNaN();
    expect(result.ci).toEqual([0, 1]);
    expect(result.uninformativeShare).toBeNaN();
  });

  it.each([
    { positives: 11, n: 10, validation: validationFrom(1, 2, 1, 2) },
    { positives: 1, n: 10, validation: validationFrom(3, 2, 1, 2) },
    { positives: 1, n: 10, validation: validationFrom(1, 2, -1, 2) },
    { positives: 1, n: 10, validation: validationFrom(1, 2, 1, 2), bootstrapSamples: 0 },
    { positives: 1, n: 10, validation: validationFrom(1, 2, 1, 2), seed: 0.5 },
  ])("rejects inconsistent counts and options %o", (input) => {
    expect(() => correctedPrevalence(input)).toThrow(RangeError);
  });

  it("covers the true prevalence about 95% of the time, where a run-only interval does not", () => {
    // Truth: prevalence 0.3, Se 0.85, Sp 0.9; 400 judged turns, 40 + 60 validation labels.
    const [prevalence, sensitivity, specificity] = [0.3, 0.85, 0.9];
    const apparent = prevalence * sensitivity + (1 - prevalence) * (1 - specificity);
    const uniform = seededUniform(99);
    const experiments = 300;
    let covered = 0;
    let coveredIgnoringValidation = 0;
    for (let experiment = 0; experiment < experiments; experiment++) {
      const positives = drawBinomial(uniform, 400, apparent);
      const validation = validationFrom(
        drawBinomial(uniform, 40, sensitivity),
        40,
        drawBinomial(uniform, 60, specificity),
        60,
      );
      const { ci } = correctedPrevalence({
        positives,
        n: 400,
        validation,
        bootstrapSamples: 400,
        seed: experiment,
      });
      if (ci[0] <= prevalence && prevalence <= ci[1]) covered++;
      // The same correction applied to the ends of the run's Wilson interval, treating the
      // estimated Se and Sp as known.
      const [lower, upper] = wilsonInterval(positives, 400).map((rate) =>
        roganGladen(rate, validation.truePositives / 40, validation.trueNegatives / 60),
      ) as [number, number];
      if (lower <= prevalence && prevalence <= upper) coveredIgnoringValidation++;
    }
    // Monte Carlo standard error about 0.013.
    expect(covered / experiments).toBeGreaterThan(0.9);
    expect(covered / experiments).toBeLessThan(0.99);
    expect(coveredIgnoringValidation / experiments).toBeLessThan(0.85);
  });
});

/**
 * Simulated experiments from a known truth: the run's judged turns and both validation groups are
 * drawn afresh each time, and the interval is checked against the true value.
 */
function simulateCoverage(
  truth: { sensitivity: number; specificity: number; positives: number; negatives: number },
  seed: number,
  experiments: number,
  intervalFor: (
    uniform: () => number,
    validation: CorrectedPrevalenceInput["validation"],
    experiment: number,
  ) => [number, number],
  target: number,
): number {
  const uniform = seededUniform(seed);
  let covered = 0;
  for (let experiment = 0; experiment < experiments; experiment++) {
    const validation = validationFrom(
      drawBinomial(uniform, truth.positives, truth.sensitivity),
      truth.positives,
      drawBinomial(uniform, truth.negatives, truth.specificity),
      truth.negatives,
    );
    const [lower, upper] = intervalFor(uniform, validation, experiment);
    if (lower <= target && target <= upper) covered++;
  }
  return covered / experiments;
}

describe("correctedPrevalence at the boundaries where binomial resampling under-covered", () => {
  // [prevalence, Se, Sp, validation positives, negatives, judged turns, coverage of the old
  // binomial-resampling interval by __fixtures__/rogan-gladen-coverage.py]
  it.each([
    [0.1, 0.9, 0.95, 10, 10, 100, 0.82],
    [0.1, 0.9, 0.95, 10, 10, 300, 0.64],
    [0.02, 0.9, 0.97, 10, 10, 100, 0.75],
    [0.98, 0.97, 0.9, 10, 10, 100, 0.82],
  ])(
    "covers prevalence %s (Se %s, Sp %s, %s + %s labels, %s turns; old coverage %s) at least 93% of the time",
    (prevalence, sensitivity, specificity, positives, negatives, n) => {
      const apparent = prevalence * sensitivity + (1 - prevalence) * (1 - specificity);
      const coverage = simulateCoverage(
        { sensitivity, specificity, positives, negatives },
        Math.round(prevalence * 1000) + n,
        1_000,
        (uniform, validation, experiment) =>
          correctedPrevalence({
            positives: drawBinomial(uniform, n, apparent),
            n,
            validation,
            seed: experiment,
          }).ci,
        prevalence,
      );
      // Monte Carlo standard error about 0.007.
      expect(coverage).toBeGreaterThanOrEqual(0.93);
    },
  );
});

describe("correctedRiskDifference", () => {
  it.each(reference.correctedRiskDifference)(
    "matches the reference for $difference ± $standardError (Se $validation.truePositives/$validation.positives, Sp $validation.trueNegatives/$validation.negatives)",
    (testCase) => {
      const result = correctedRiskDifference(testCase);
      expect(result.difference).toBeCloseTo(testCase.corrected, 10);
      expect(result.raw).toBe(testCase.difference);
      expect(result.labels).toBe(testCase.validation.positives + testCase.validation.negatives);
      // The numpy draws are 20,000 from another generator: only close, not equal.
      expect(Math.abs(result.ci[0] - testCase.bootstrapLower)).toBeLessThan(0.015);
      expect(Math.abs(result.ci[1] - testCase.bootstrapUpper)).toBeLessThan(0.015);
      expect(Math.abs(result.uninformativeShare - testCase.uninformativeShare)).toBeLessThan(0.03);
      expect(result.ci[0]).toBeLessThanOrEqual(result.difference);
      expect(result.difference).toBeLessThanOrEqual(result.ci[1]);
    },
  );

  it("is the plain difference, with the difference's own interval, for a perfect large validation", () => {
    const result = correctedRiskDifference({
      difference: 0.1,
      standardError: 0.02,
      validation: validationFrom(100_000, 100_000, 100_000, 100_000),
      bootstrapSamples: 4_000,
    });
    expect(result.difference).toBeCloseTo(0.1, 12);
    expect(result.ci[0]).toBeCloseTo(0.1 - 1.96 * 0.02, 2);
    expect(result.ci[1]).toBeCloseTo(0.1 + 1.96 * 0.02, 2);
  });

  it("widens to [-1, 1] when the validation set cannot rule out an uninformative judge", () => {
    const result = correctedRiskDifference({
      difference: 0.1,
      standardError: 0.05,
      validation: validationFrom(3, 5, 5, 7),
    });
    expect(result.ci).toEqual([-1, 1]);
  });

  it.each([
    [
      "Se + Sp <= 1",
      { difference: 0.1, standardError: 0.05, validation: validationFrom(4, 10, 6, 10) },
    ],
    [
      "no validation positives",
      { difference: 0.1, standardError: 0.05, validation: validationFrom(0, 0, 9, 10) },
    ],
    [
      "a NaN difference",
      { difference: Number.NaN, standardError: 0.05, validation: validationFrom(9, 10, 9, 10) },
    ],
  ])("returns NaN with the interval [-1, 1] for %s", (_, input) => {
    const result = correctedRiskDifference(input);
    expect(result.difference).toBeNaN();
    expect(result.ci).toEqual([-1, 1]);
  });

  it("keeps the estimate but gives [-1, 1] for a NaN standard error", () => {
    const result = correctedRiskDifference({
      difference: 0.1,
      standardError: Number.NaN,
      validation: validationFrom(9, 10, 9, 10),
    });
    expect(result.difference).toBeCloseTo(0.125, 12);
    expect(result.ci).toEqual([-1, 1]);
  });

  it.each([
    { difference: 1.2, standardError: 0.1, validation: validationFrom(9, 10, 9, 10) },
    { difference: 0.1, standardError: -0.1, validation: validationFrom(9, 10, 9, 10) },
    {
      difference: 0.1,
      standardError: Number.POSITIVE_INFINITY,
      validation: validationFrom(9, 10, 9, 10),
    },
    { difference: 0.1, standardError: 0.1, validation: validationFrom(11, 10, 9, 10) },
    { difference: 0.1, standardError: 0.1, validation: validationFrom(9, 10, 9, 10), seed: 1.5 },
    {
      difference: 0.1,
      standardError: 0.1,
      validation: validationFrom(9, 10, 9, 10),
      bootstrapSamples: 0,
    },
  ])("rejects impossible inputs %o", (input) => {
    expect(() => correctedRiskDifference(input)).toThrow(RangeError);
  });

  it("covers the true difference of two judged rates at least 93% of the time", () => {
    // Truth: rates 0.3 and 0.5 (difference -0.2), Se 0.85, Sp 0.9; 200 judged turns per arm,
    // 30 + 30 validation labels; the apparent difference with its Wald standard error.
    const [rateA, rateB, sensitivity, specificity, perArm] = [0.3, 0.5, 0.85, 0.9, 200];
    const apparent = (rate: number) => rate * sensitivity + (1 - rate) * (1 - specificity);
    const coverage = simulateCoverage(
      { sensitivity, specificity, positives: 30, negatives: 30 },
      4_242,
      1_000,
      (uniform, validation, experiment) => {
        const first = drawBinomial(uniform, perArm, apparent(rateA)) / perArm;
        const second = drawBinomial(uniform, perArm, apparent(rateB)) / perArm;
        return correctedRiskDifference({
          difference: first - second,
          standardError: Math.sqrt((first * (1 - first) + second * (1 - second)) / perArm),
          validation,
          seed: experiment,
        }).ci;
      },
      rateA - rateB,
    );
    expect(coverage).toBeGreaterThanOrEqual(0.93);
  });
});
