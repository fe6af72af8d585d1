import { describe, expect, it } from "vitest";
import referenceValues from "./__fixtures__/reference-values.json" with { type: "json" };
import { benjaminiHochbergAdjust, holmAdjust } from "./adjust-p-values.ts";

// JSON has no NaN: the generator writes missing p-values as null.
function fromJson(values: (number | null)[]): number[] {
  return values.map((value) => value ?? Number.NaN);
}

function expectCloseOrBothNaN(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  for (const [index, expectedValue] of expected.entries()) {
    const actualValue = actual[index] ?? Number.POSITIVE_INFINITY;
    if (Number.isNaN(expectedValue)) expect(actualValue).toBeNaN();
    else expect(actualValue).toBeCloseTo(expectedValue, 12);
  }
}

const methods = [
  ["holmAdjust", holmAdjust],
  ["benjaminiHochbergAdjust", benjaminiHochbergAdjust],
] as const;

describe("holmAdjust", () => {
  it.each(referenceValues.adjustedPValues)("matches numpy for $pValues", (testCase) => {
    expectCloseOrBothNaN(holmAdjust(fromJson(testCase.pValues)), fromJson(testCase.holm));
  });

  it("multiplies the smallest p-value by the family size and the largest by 1", () => {
    expect(holmAdjust([0.01, 0.2, 0.03])).toEqual([0.03, 0.2, 0.06]);
  });
});

describe("benjaminiHochbergAdjust", () => {
  it.each(referenceValues.adjustedPValues)(
    "matches scipy's false_discovery_control for $pValues",
    (testCase) => {
      expectCloseOrBothNaN(
        benjaminiHochbergAdjust(fromJson(testCase.pValues)),
        fromJson(testCase.benjaminiHochberg),
      );
    },
  );

  it("is never larger than Holm", () => {
    const pValues = [0.2, 0.01, 0.5, 0.03, 0.04, 0.9, 0.001];
    const holm = holmAdjust(pValues);
    for (const [index, value] of benjaminiHochbergAdjust(pValues).entries()) {
      expect(value).toBeLessThanOrEqual(holm[index] ?? Number.NaN);
    }
  });
});

describe.each(methods)("%s", (_name, adjust) => {
  const pValues = [0.2, 0.01, 0.5, 0.03, 0.04, 0.9, 0.001, 0.04];

  it("keeps the input order, and is monotone and capped at 1", () => {
    const adjusted = adjust(pValues);
    for (const [i, first] of pValues.entries()) {
      for (const [j, second] of pValues.entries()) {
        if (first <= second) {
          expect(adjusted[i] ?? Number.NaN).toBeLessThanOrEqual(adjusted[j] ?? Number.NaN);
        }
      }
    }
    for (const [index, value] of adjusted.entries()) {
      expect(value).toBeGreaterThanOrEqual(pValues[index] ?? Number.NaN);
      expect(value).toBeLessThanOrEqual(1);
    }
  });

  it("gives tied p-values equal adjusted values", () => {
    const adjusted = adjust(pValues);
    expect(adjusted[4]).toBe(adjusted[7]);
  });

  it("does not modify its input", () => {
    const input = [...pValues];
    adjust(input);
    expect(input).toEqual(pValues);
  });

  it("returns an empty array for no p-values and the p-value itself for one", () => {
    expect(adjust([])).toEqual([]);
    expect(adjust([0.03])).toEqual([0.03]);
  });

  it("leaves NaN out of the family and returns NaN in its place", () => {
    const withMissing = adjust([0.02, Number.NaN, 0.01]);
    expect(withMissing[1]).toBeNaN();
    const withoutMissing = adjust([0.02, 0.01]);
    expect(withMissing[0]).toBe(withoutMissing[0]);
    expect(withMissing[2]).toBe(withoutMissing[1]);
  });

  it.each([-0.1, 1.1, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    "rejects the p-value %s",
    (pValue) => {
      expect(() => adjust([0.5, pValue])).toThrow(/pValues\[1\]/);
    },
  );

  it("rejects undefined entries instead of treating them as missing", () => {
    const sparse: number[] = [0.1];
    sparse[2] = 0.2;
    expect(() => adjust(sparse)).toThrow(RangeError);
    expect(() => adjust([0.1, undefined as unknown as number])).toThrow(RangeError);
  });
});
