import { describe, expect, it } from "vitest";
import referenceValues from "./__fixtures__/reference-values.json" with { type: "json" };
import { newcombeInterval } from "./newcombe-interval.ts";
import { pairedDifferenceInterval } from "./paired-difference-interval.ts";

describe("pairedDifferenceInterval", () => {
  it.each(referenceValues.paired)(
    "matches the scipy-based values for [$both, $onlyA, $onlyB, $neither] at confidence $confidence",
    ({ both, onlyA, onlyB, neither, confidence, lower, upper }) => {
      const [actualLower, actualUpper] = pairedDifferenceInterval(
        both,
        onlyA,
        onlyB,
        neither,
        confidence,
      );
      expect(actualLower).toBeCloseTo(lower, 10);
      expect(actualUpper).toBeCloseTo(upper, 10);
    },
  );

  it("reproduces Newcombe's published method 10 interval for example (a) of his table II", () => {
    // 36 pairs with the event in both arms, 12 only in A, 2 only in B, 0 in neither.
    const [lower, upper] = pairedDifferenceInterval(36, 12, 2, 0);
    expect(lower).toBeCloseTo(0.0569, 4);
    expect(upper).toBeCloseTo(0.3404, 4);
  });

  it("reproduces the worked example of Altman et al., Statistics with Confidence, table 6.2", () => {
    // Here ad - bc > n/2, so this example exercises the correction of phi.
    const [lower, upper] = pairedDifferenceInterval(14, 5, 0, 22);
    expect(lower).toBeCloseTo(0.011, 3);
    expect(upper).toBeCloseTo(0.226, 3);
  });

  it("defaults to 95% confidence", () => {
    expect(pairedDifferenceInterval(20, 10, 5, 15)).toEqual(
      pairedDifferenceInterval(20, 10, 5, 15, 0.95),
    );
  });

  it("returns [-1, 1] when there are no pairs", () => {
    expect(pairedDifferenceInterval(0, 0, 0, 0)).toEqual([-1, 1]);
  });

  it.each([
    [20, 10, 5, 15],
    [36, 12, 2, 0],
    [0, 5, 0, 0],
    [400, 60, 30, 510],
  ])("is antisymmetric when the arms are swapped: [%s, %s, %s, %s]", (both, a, b, neither) => {
    const [lower, upper] = pairedDifferenceInterval(both, a, b, neither, 0.9);
    const [swappedLower, swappedUpper] = pairedDifferenceInterval(both, b, a, neither, 0.9);
    expect(swappedLower).toBeCloseTo(-upper, 12);
    expect(swappedUpper).toBeCloseTo(-lower, 12);
  });

  it.each([
    [20, 10, 5, 15],
    [0, 5, 0, 0],
    [0, 0, 5, 0],
    [10, 0, 0, 0],
    [0, 10, 10, 0],
    [2, 9, 1, 3],
  ])(
    "contains the observed difference and stays within [-1, 1]: [%s, %s, %s, %s]",
    (both, a, b, neither) => {
      const [lower, upper] = pairedDifferenceInterval(both, a, b, neither);
      const observed = (a - b) / (both + a + b + neither);
      expect(lower).toBeLessThanOrEqual(observed);
      expect(upper).toBeGreaterThanOrEqual(observed);
      expect(lower).toBeGreaterThanOrEqual(-1);
      expect(upper).toBeLessThanOrEqual(1);
    },
  );

  it("is narrower than the unpaired interval when the arms are positively correlated", () => {
    // Same margins (30/50 vs 25/50), strongly concordant pairs.
    const [pairedLower, pairedUpper] = pairedDifferenceInterval(20, 10, 5, 15);
    const [unpairedLower, unpairedUpper] = newcombeInterval(30, 50, 25, 50);
    expect(pairedUpper - pairedLower).toBeLessThan(unpairedUpper - unpairedLower);
  });

  it("equals the unpaired interval on the same margins when the correction leaves phi at 0", () => {
    // ad - bc = 5 lies in (0, n/2], so the corrected phi is 0 and the covariance term vanishes.
    const [pairedLower, pairedUpper] = pairedDifferenceInterval(5, 5, 5, 6);
    const [unpairedLower, unpairedUpper] = newcombeInterval(10, 21, 10, 21);
    expect(pairedLower).toBeCloseTo(unpairedLower, 12);
    expect(pairedUpper).toBeCloseTo(unpairedUpper, 12);
  });

  it("widens as confidence grows", () => {
    const [lower90, upper90] = pairedDifferenceInterval(40, 3, 12, 45, 0.9);
    const [lower99, upper99] = pairedDifferenceInterval(40, 3, 12, 45, 0.99);
    expect(lower99).toBeLessThan(lower90);
    expect(upper99).toBeGreaterThan(upper90);
  });

  it.each([
    [-1, 0, 0, 0],
    [0, 1.5, 0, 0],
    [0, 0, Number.NaN, 0],
    [0, 0, 0, Number.POSITIVE_INFINITY],
  ])("rejects the counts [%s, %s, %s, %s]", (both, a, b, neither) => {
    expect(() => pairedDifferenceInterval(both, a, b, neither)).toThrow(RangeError);
  });

  it.each([0, 1, Number.NaN])("rejects confidence %s", (confidence) => {
    expect(() => pairedDifferenceInterval(1, 2, 3, 4, confidence)).toThrow(RangeError);
  });
});
