import { describe, expect, it } from "vitest";
import reference from "./__fixtures__/agreement-reference.json" with { type: "json" };
import { krippendorffAlpha } from "./krippendorff-alpha.ts";

const textbook = reference.krippendorffAlpha[0] as (typeof reference.krippendorffAlpha)[number];
const bootstrapped = reference.krippendorffAlpha.filter(
  (testCase) => testCase.bootstrapLower !== undefined,
);

describe("krippendorffAlpha", () => {
  it.each(reference.krippendorffAlpha)("matches the numpy reference: $name", (testCase) => {
    const result = krippendorffAlpha(testCase.units, { bootstrapSamples: 1 });
    expect(result.alpha).toBeCloseTo(testCase.alpha, 10);
    expect(result.units).toBe(testCase.pairableUnits);
    expect(result.pairable).toBe(testCase.pairable);
  });

  it("reproduces Krippendorff's published nominal alpha of 0.743 (4 observers, 12 units)", () => {
    expect(textbook.name).toMatch(/4 observers x 12 units/);
    const result = krippendorffAlpha(textbook.units);
    expect(result.alpha.toFixed(3)).toBe("0.743");
    // Unit 12 has a single value and is left out: 11 units, 40 pairable values.
    expect(result).toMatchObject({ units: 11, pairable: 40 });
  });

  it.each(bootstrapped)("agrees loosely with the numpy bootstrap: $name", (testCase) => {
    const [lower, upper] = krippendorffAlpha(testCase.units, { bootstrapSamples: 4_000 }).ci;
    expect(Math.abs(lower - (testCase.bootstrapLower as number))).toBeLessThan(0.03);
    expect(Math.abs(upper - (testCase.bootstrapUpper as number))).toBeLessThan(0.03);
  });

  it.each(bootstrapped)("puts the estimate inside its default interval: $name", (testCase) => {
    const { alpha, ci } = krippendorffAlpha(testCase.units);
    expect(ci[0]).toBeLessThanOrEqual(alpha);
    expect(alpha).toBeLessThanOrEqual(ci[1]);
  });

  it("replays the same interval for the same seed", () => {
    const units = (reference.krippendorffAlpha[2] as (typeof reference.krippendorffAlpha)[number])
      .units;
    const first = krippendorffAlpha(units, { seed: 7 });
    expect(krippendorffAlpha(units, { seed: 7 }).ci).toEqual(first.ci);
    expect(krippendorffAlpha(units, { seed: 8 }).ci).not.toEqual(first.ci);
    expect(krippendorffAlpha(units).ci).toEqual(krippendorffAlpha(units, { seed: 1 }).ci);
  });

  it("does not depend on the order of units or of raters within a unit", () => {
    const units = textbook.units;
    const shuffled = [...units].reverse().map((unit) => [...unit].reverse());
    expect(krippendorffAlpha(shuffled).alpha).toBeCloseTo(krippendorffAlpha(units).alpha, 12);
  });

  it("gives 1, with the interval [1, 1], for perfect agreement on varied labels", () => {
    const result = krippendorffAlpha([
      ["yes", "yes", null],
      ["no", "no", "no"],
      ["yes", null, "yes"],
      ["no", "no", "no"],
    ]);
    expect(result.alpha).toBe(1);
    expect(result.ci).toEqual([1, 1]);
  });

  it.each([
    ["no units", []],
    ["only units with fewer than two labels", [["a"], [null, "b"], [null, null], []]],
    [
      "a single category throughout",
      [
        ["a", "a"],
        ["a", null, "a"],
      ],
    ],
  ])("returns NaN for %s", (_, units: Array<Array<string | null>>) => {
    const result = krippendorffAlpha(units);
    expect(result.alpha).toBeNaN();
    expect(result.ci[0]).toBeNaN();
    expect(result.ci[1]).toBeNaN();
  });

  it("counts only pairable units and labels", () => {
    const result = krippendorffAlpha([["a", "b"], ["a"], [null, "b", "b"], [null, null]]);
    expect(result).toMatchObject({ units: 2, pairable: 4 });
  });

  it.each([{ bootstrapSamples: 0 }, { bootstrapSamples: 2.5 }, { seed: 1.5 }])(
    "rejects the options %o",
    (options) => {
      expect(() => krippendorffAlpha([["a", "b"]], options)).toThrow(RangeError);
    },
  );
});
