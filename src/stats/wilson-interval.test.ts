import { describe, expect, it } from "vitest";
import referenceValues from "./__fixtures__/reference-values.json" with { type: "json" };
import { wilsonInterval } from "./wilson-interval.ts";

describe("wilsonInterval", () => {
  it.each(referenceValues.wilson)(
    "matches scipy for $successes/$trials at confidence $confidence",
    ({ successes, trials, confidence, lower, upper }) => {
      const [actualLower, actualUpper] = wilsonInterval(successes, trials, confidence);
      expect(actualLower).toBeCloseTo(lower, 10);
      expect(actualUpper).toBeCloseTo(upper, 10);
    },
  );

  it("defaults to 95% confidence", () => {
    expect(wilsonInterval(7, 20)).toEqual(wilsonInterval(7, 20, 0.95));
  });

  it("returns the whole unit interval when there are no trials", () => {
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
  });

  it("pins the bounds to exactly 0 and 1 at the extremes", () => {
    expect(wilsonInterval(0, 7)[0]).toBe(0);
    expect(wilsonInterval(7, 7)[1]).toBe(1);
  });

  it("widens as confidence grows", () => {
    const [lower90, upper90] = wilsonInterval(13, 40, 0.9);
    const [lower99, upper99] = wilsonInterval(13, 40, 0.99);
    expect(lower99).toBeLessThan(lower90);
    expect(upper99).toBeGreaterThan(upper90);
  });

  it.each([
    [-1, 5],
    [6, 5],
    [1.5, 5],
    [1, 2.5],
    [0, -1],
    [Number.NaN, 5],
    [1, Number.POSITIVE_INFINITY],
  ])("rejects successes %s of trials %s", (successes, trials) => {
    expect(() => wilsonInterval(successes, trials)).toThrow(RangeError);
  });

  it.each([0, 1, -0.5, 1.5, Number.NaN])("rejects confidence %s", (confidence) => {
    expect(() => wilsonInterval(3, 10, confidence)).toThrow(RangeError);
  });
});
