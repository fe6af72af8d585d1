import { describe, expect, it } from "vitest";
import reference from "./__fixtures__/agreement-reference.json" with { type: "json" };
import { type CorrectedPrevalenceInput, correctedPrevalence, roganGladen } from "./rogan-gladen.ts";
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
      // The numpy bootstrap has 20,000 resamples from another generator: only close, not equal.
      expect(Math.abs(result.ci[0] - testCase.bootstrapLower)).toBeLessThan(0.015);
      expect(Math.abs(result.ci[1] - testCase.bootstrapUpper)).toBeLessThan(0.015);
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
    // Se = 3/5, Sp = 5/7: about 14% of resamples have Se* + Sp* <= 1.
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
