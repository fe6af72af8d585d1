import { describe, expect, it } from "vitest";
import reference from "./__fixtures__/mantel-haenszel-reference.json" with { type: "json" };
import type { StratumTable } from "./mantel-haenszel.ts";
import { type EffectDifference, oddsRatioHomogeneity } from "./odds-ratio-homogeneity.ts";

/** Within 1e-9, absolute below 1 and relative above it. */
function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}

function expectDifference(
  actual: EffectDifference | null,
  expected: { estimate: number; standardError: number; ci: number[] } | null,
): void {
  if (expected === null) {
    expect(actual).toBeNull();
    return;
  }
  expect(actual).not.toBeNull();
  const difference = actual as EffectDifference;
  expectClose(difference.estimate, expected.estimate);
  expectClose(difference.standardError, expected.standardError);
  expectClose(difference.ci[0], expected.ci[0] as number);
  expectClose(difference.ci[1], expected.ci[1] as number);
}

const first: StratumTable[] = [
  { aYes: 20, aNo: 10, bYes: 12, bNo: 18 },
  { aYes: 15, aNo: 15, bYes: 9, bNo: 21 },
];
const second: StratumTable[] = [
  { aYes: 14, aNo: 16, bYes: 13, bNo: 17 },
  { aYes: 11, aNo: 19, bYes: 10, bNo: 20 },
];

describe("oddsRatioHomogeneity", () => {
  it.each(reference.oddsRatioHomogeneity)("matches statsmodels and scipy: $name", (testCase) => {
    const result = oddsRatioHomogeneity(testCase.groups, { confidence: testCase.confidence });
    expect(result.groups).toHaveLength(testCase.groups.length);
    expect(result.degreesOfFreedom).toBe(testCase.degreesOfFreedom);
    expectClose(result.pooledLogOddsRatio, testCase.pooledLogOddsRatio);
    expectClose(result.statistic, testCase.statistic);
    expectClose(result.pValue, testCase.pValue);
    expectDifference(result.logOddsRatioDifference, testCase.logOddsRatioDifference);
    expectDifference(result.riskDifferenceDifference, testCase.riskDifferenceDifference);
  });

  it("gives Q equal to the squared z of the log odds ratio difference for two groups", () => {
    const result = oddsRatioHomogeneity([first, second]);
    const difference = result.logOddsRatioDifference as EffectDifference;
    expect(result.statistic).toBeCloseTo((difference.estimate / difference.standardError) ** 2, 12);
  });

  it("is 0 with p = 1 for identical groups, and symmetric in their order", () => {
    const same = oddsRatioHomogeneity([first, first]);
    expect(same.statistic).toBeCloseTo(0, 14);
    expect(same.pValue).toBeCloseTo(1, 12);
    const forward = oddsRatioHomogeneity([first, second]);
    const backward = oddsRatioHomogeneity([second, first]);
    expect(backward.statistic).toBeCloseTo(forward.statistic, 12);
    expect(backward.riskDifferenceDifference?.estimate).toBeCloseTo(
      -(forward.riskDifferenceDifference?.estimate as number),
      12,
    );
  });

  it("returns NaN for Q when a group has an infinite odds ratio, but keeps the risk differences", () => {
    const infinite = [
      { aYes: 5, aNo: 0, bYes: 2, bNo: 3 },
      { aYes: 4, aNo: 2, bYes: 0, bNo: 6 },
    ];
    const result = oddsRatioHomogeneity([first, infinite]);
    expect(result.statistic).toBeNaN();
    expect(result.pValue).toBeNaN();
    expect(result.logOddsRatioDifference?.estimate).toBe(Number.NEGATIVE_INFINITY);
    expect(result.logOddsRatioDifference?.ci[0]).toBeNaN();
    expect(Number.isFinite(result.riskDifferenceDifference?.estimate)).toBe(true);
    expect(Number.isFinite(result.riskDifferenceDifference?.ci[1])).toBe(true);
  });

  it("returns NaN for a group without usable strata", () => {
    const result = oddsRatioHomogeneity([first, [], second]);
    expect(result.statistic).toBeNaN();
    expect(result.logOddsRatioDifference).toBeNull();
  });

  it("rejects fewer than two groups and invalid counts", () => {
    expect(() => oddsRatioHomogeneity([first])).toThrow(RangeError);
    expect(() => oddsRatioHomogeneity([])).toThrow(RangeError);
    expect(() => oddsRatioHomogeneity([first, [{ aYes: -1, aNo: 1, bYes: 1, bNo: 1 }]])).toThrow(
      RangeError,
    );
    expect(() => oddsRatioHomogeneity([first, second], { confidence: 0 })).toThrow(RangeError);
  });
});
