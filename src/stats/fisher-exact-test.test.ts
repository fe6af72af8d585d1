import { describe, expect, it } from "vitest";
import referenceValues from "./__fixtures__/reference-values.json" with { type: "json" };
import { fisherExactTest } from "./fisher-exact-test.ts";

describe("fisherExactTest", () => {
  it.each(referenceValues.fisher)(
    "matches scipy for [[$a, $b], [$c, $d]]",
    ({ a, b, c, d, pValue }) => {
      expect(fisherExactTest(a, b, c, d)).toBeCloseTo(pValue, 10);
    },
  );

  it.each(referenceValues.fisher)(
    "gives a p-value in (0, 1] for [[$a, $b], [$c, $d]]",
    ({ a, b, c, d }) => {
      const pValue = fisherExactTest(a, b, c, d);
      expect(pValue).toBeGreaterThan(0);
      expect(pValue).toBeLessThanOrEqual(1);
    },
  );

  it("is unchanged by transposing the table or swapping its rows", () => {
    const pValue = fisherExactTest(2, 7, 8, 2);
    expect(fisherExactTest(2, 8, 7, 2)).toBeCloseTo(pValue, 12);
    expect(fisherExactTest(8, 2, 2, 7)).toBeCloseTo(pValue, 12);
  });

  it("counts tables tied in probability with the observed one", () => {
    // [[3, 1], [1, 3]] and [[1, 3], [3, 1]] are equally probable; both tails belong in the sum.
    expect(fisherExactTest(3, 1, 1, 3)).toBeCloseTo(34 / 70, 12);
  });

  it.each([
    [-1, 0, 0, 0],
    [0, 1.5, 0, 0],
    [0, 0, Number.NaN, 0],
    [0, 0, 0, Number.POSITIVE_INFINITY],
  ])("rejects the table [[%s, %s], [%s, %s]]", (a, b, c, d) => {
    expect(() => fisherExactTest(a, b, c, d)).toThrow(RangeError);
  });
});
