import { Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { findWeightedCollinearity } from "./logistic-regression-diagnostics.ts";

describe("findWeightedCollinearity", () => {
  const names = ["intercept", "arm=rebuttal", "arm=refusal"];
  // X'WX for three arms when the baseline arm's rows carry weight `baselineWeight`: without it
  // the intercept column is the sum of the two arm columns.
  const information = (baselineWeight: number) =>
    new Matrix([
      [baselineWeight + 30, 10, 20],
      [10, 10, 0],
      [20, 0, 20],
    ]);

  it("names the columns that the weights no longer tell apart", () => {
    expect(findWeightedCollinearity(information(1e-17), names)).toMatch(
      /^numerically unstable: at the estimate the coefficients intercept, arm=rebuttal, arm=refusal cannot be told apart/,
    );
  });

  it("accepts a well-conditioned information matrix", () => {
    expect(findWeightedCollinearity(information(5), names)).toBeUndefined();
  });

  it("rejects a coefficient without information", () => {
    expect(findWeightedCollinearity(Matrix.zeros(3, 3), names)).toMatch(/numerically unstable/);
  });
});
