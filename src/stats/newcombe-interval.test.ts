import { describe, expect, it } from "vitest";
import referenceValues from "./__fixtures__/reference-values.json" with { type: "json" };
import { newcombeInterval } from "./newcombe-interval.ts";

describe("newcombeInterval", () => {
  it.each(referenceValues.newcombe)(
    "matches scipy-based values for $successes1/$trials1 - $successes2/$trials2 at confidence $confidence",
    ({ successes1, trials1, successes2, trials2, confidence, lower, upper }) => {
      const [actualLower, actualUpper] = newcombeInterval(
        successes1,
        trials1,
        successes2,
        trials2,
        confidence,
      );
      expect(actualLower).toBeCloseTo(lower, 10);
      expect(actualUpper).toBeCloseTo(upper, 10);
    },
  );

  // Method 10 column of Table II in Newcombe (1998), printed to four decimals.
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [0, 10, 0, 10, -0.2775, 0.2775],
    [10, 10, 0, 20, 0.6791, 1],
    [10, 10, 0, 10, 0.6075, 1],
  ])(
    "reproduces Newcombe's published interval for %s/%s - %s/%s",
    (k1, n1, k2, n2, lower, upper) => {
      const [actualLower, actualUpper] = newcombeInterval(k1, n1, k2, n2);
      expect(actualLower).toBeCloseTo(lower, 4);
      expect(actualUpper).toBeCloseTo(upper, 4);
    },
  );

  it("returns [-1, 1] when either group is empty", () => {
    expect(newcombeInterval(0, 0, 3, 10)).toEqual([-1, 1]);
    expect(newcombeInterval(3, 10, 0, 0)).toEqual([-1, 1]);
    expect(newcombeInterval(0, 0, 0, 0)).toEqual([-1, 1]);
  });

  it.each([
    [7, 20, 13, 40],
    [0, 5, 5, 5],
    [56, 70, 48, 80],
    [1, 100, 3, 1000],
  ])("is antisymmetric when the groups are swapped: %s/%s vs %s/%s", (k1, n1, k2, n2) => {
    const [lower, upper] = newcombeInterval(k1, n1, k2, n2, 0.9);
    const [swappedLower, swappedUpper] = newcombeInterval(k2, n2, k1, n1, 0.9);
    expect(swappedLower).toBeCloseTo(-upper, 12);
    expect(swappedUpper).toBeCloseTo(-lower, 12);
  });

  it("contains the observed difference and stays within [-1, 1]", () => {
    const [lower, upper] = newcombeInterval(9, 10, 3, 10);
    expect(lower).toBeLessThan(0.6);
    expect(upper).toBeGreaterThan(0.6);
    expect(lower).toBeGreaterThanOrEqual(-1);
    expect(upper).toBeLessThanOrEqual(1);
  });

  it("rejects invalid counts in either group and invalid confidence", () => {
    expect(() => newcombeInterval(6, 5, 1, 5)).toThrow(RangeError);
    expect(() => newcombeInterval(1, 5, -1, 5)).toThrow(RangeError);
    expect(() => newcombeInterval(1, 5, 1, 5.5)).toThrow(RangeError);
    expect(() => newcombeInterval(1, 0, 0, 5)).toThrow(RangeError);
    expect(() => newcombeInterval(1, 5, 1, 5, 1)).toThrow(RangeError);
  });

  it("names the offending group in the error", () => {
    expect(() => newcombeInterval(1, 5, 7, 5)).toThrow(/group 2/);
  });
});
