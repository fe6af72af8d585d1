import { describe, expect, it } from "vitest";
import reference from "./__fixtures__/agreement-reference.json" with { type: "json" };
import { diagnosticAccuracy, type ProportionEstimate } from "./diagnostic-accuracy.ts";

interface ReferenceEstimate {
  value: number | null;
  ci: number[];
  k: number;
  n: number;
}

function expectEstimate(actual: ProportionEstimate, expected: ReferenceEstimate): void {
  expect(actual.k).toBe(expected.k);
  expect(actual.n).toBe(expected.n);
  if (expected.value === null) expect(actual.value).toBeNaN();
  else expect(actual.value).toBeCloseTo(expected.value, 10);
  expect(actual.ci[0]).toBeCloseTo(expected.ci[0] as number, 10);
  expect(actual.ci[1]).toBeCloseTo(expected.ci[1] as number, 10);
}

describe("diagnosticAccuracy", () => {
  it.each(reference.diagnosticAccuracy)("matches scipy's Wilson intervals: $name", (testCase) => {
    const result = diagnosticAccuracy(testCase.pairs);
    expect(result.n).toBe(testCase.n);
    expectEstimate(result.sensitivity, testCase.sensitivity);
    expectEstimate(result.specificity, testCase.specificity);
  });

  it("returns NaN values and [0, 1] intervals when there are no labels", () => {
    const result = diagnosticAccuracy([]);
    expect(result.n).toBe(0);
    expect(result.sensitivity.value).toBeNaN();
    expect(result.specificity.value).toBeNaN();
    expect(result.sensitivity.ci).toEqual([0, 1]);
    expect(result.specificity.ci).toEqual([0, 1]);
  });

  it("counts a judge's yes on a true negative against specificity only", () => {
    const result = diagnosticAccuracy([
      { judge: true, truth: false },
      { judge: true, truth: true },
      { judge: false, truth: true },
    ]);
    expect(result.sensitivity).toMatchObject({ value: 0.5, k: 1, n: 2 });
    expect(result.specificity).toMatchObject({ value: 0, k: 0, n: 1 });
  });
});
