import { describe, expect, it } from "vitest";
import referenceValues from "./__fixtures__/reference-values.json" with { type: "json" };
import { mcnemarExactTest } from "./mcnemar-exact-test.ts";

describe("mcnemarExactTest", () => {
  it.each(referenceValues.mcnemar)(
    "matches scipy's binomtest for $onlyA vs $onlyB discordant pairs",
    ({ onlyA, onlyB, pValue }) => {
      const actual = mcnemarExactTest(onlyA, onlyB);
      expect(actual).toBeCloseTo(pValue, 12);
      // Relative agreement too, so that tiny p-values are checked to more than zero digits.
      expect(Math.abs(actual - pValue)).toBeLessThanOrEqual(1e-12 * pValue);
    },
  );

  it("returns 1 without discordant pairs", () => {
    expect(mcnemarExactTest(0, 0)).toBe(1);
  });

  it("returns exactly 1 when the counts tie or differ by one", () => {
    expect(mcnemarExactTest(7, 7)).toBe(1);
    expect(mcnemarExactTest(7, 8)).toBe(1);
    expect(mcnemarExactTest(800, 799)).toBe(1);
  });

  it("gives the textbook value for an all-one-sided split", () => {
    // 2 * (1/2)^6: both all-A and all-B splits of six pairs.
    expect(mcnemarExactTest(6, 0)).toBeCloseTo(2 / 64, 15);
  });

  it("is symmetric in the two arms", () => {
    expect(mcnemarExactTest(3, 17)).toBe(mcnemarExactTest(17, 3));
  });

  it("handles large counts without underflow or overflow", () => {
    const pValue = mcnemarExactTest(100_000, 101_000);
    expect(pValue).toBeGreaterThan(0);
    expect(pValue).toBeLessThan(1);
    // 2 * (1/2)^1001 = 2^-1000: tiny but representable, and it should keep full relative precision.
    expect(mcnemarExactTest(0, 1001) / 2 ** -1000).toBeCloseTo(1, 12);
  });

  it.each([
    [-1, 2],
    [1.5, 2],
    [Number.NaN, 2],
    [2, Number.POSITIVE_INFINITY],
  ])("rejects the counts %s and %s", (onlyA, onlyB) => {
    expect(() => mcnemarExactTest(onlyA, onlyB)).toThrow(RangeError);
  });
});
