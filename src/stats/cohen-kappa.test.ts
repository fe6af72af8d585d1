import { describe, expect, it } from "vitest";
import reference from "./__fixtures__/agreement-reference.json" with { type: "json" };
import { cohenKappa } from "./cohen-kappa.ts";
import { seededUniform } from "./seeded-uniform.ts";

type Pair = [string, string];

function asPairs(pairs: string[][]): Pair[] {
  return pairs.map(([first, second]) => [first as string, second as string]);
}

/** The cell whose cumulative probability first exceeds `draw`. */
function drawCell(draw: number, cells: Array<[Pair, number]>): Pair {
  let cumulative = 0;
  for (const [pair, share] of cells) {
    cumulative += share;
    if (draw < cumulative) return pair;
  }
  return (cells.at(-1) as [Pair, number])[0];
}

describe("cohenKappa", () => {
  it.each(reference.cohenKappa)("matches the numpy reference: $name", (testCase) => {
    const result = cohenKappa(asPairs(testCase.pairs));
    expect(result.n).toBe(testCase.n);
    expect(result.kappa).toBeCloseTo(testCase.kappa, 10);
    expect(result.observedAgreement).toBeCloseTo(testCase.observedAgreement, 10);
    expect(result.expectedAgreement).toBeCloseTo(testCase.expectedAgreement, 10);
    expect(result.ci[0]).toBeCloseTo(testCase.lower, 10);
    expect(result.ci[1]).toBeCloseTo(testCase.upper, 10);
  });

  it.each(reference.cohenKappa)("is unchanged by listing the categories: $name", (testCase) => {
    const pairs = asPairs(testCase.pairs);
    const withCategories = cohenKappa(pairs, [...testCase.categories, "never used"].reverse());
    const inferred = cohenKappa(pairs);
    expect(withCategories.kappa).toBeCloseTo(inferred.kappa, 12);
    expect(withCategories.ci[0]).toBeCloseTo(inferred.ci[0], 12);
    expect(withCategories.ci[1]).toBeCloseTo(inferred.ci[1], 12);
  });

  it.each(reference.cohenKappa)("is symmetric in the two raters: $name", (testCase) => {
    const pairs = asPairs(testCase.pairs);
    const swapped = pairs.map(([first, second]): Pair => [second, first]);
    const result = cohenKappa(pairs);
    const swappedResult = cohenKappa(swapped);
    expect(swappedResult.kappa).toBeCloseTo(result.kappa, 12);
    expect(swappedResult.ci[0]).toBeCloseTo(result.ci[0], 12);
    expect(swappedResult.ci[1]).toBeCloseTo(result.ci[1], 12);
  });

  it("clamps the interval to [-1, 1]", () => {
    const clamped = reference.cohenKappa.filter(({ lower, upper }) => lower === -1 || upper === 1);
    expect(clamped.length).toBeGreaterThan(0);
    for (const testCase of clamped) {
      const [lower, upper] = cohenKappa(asPairs(testCase.pairs)).ci;
      expect(lower).toBeGreaterThanOrEqual(-1);
      expect(upper).toBeLessThanOrEqual(1);
    }
  });

  it("returns NaN when there are no pairs", () => {
    const result = cohenKappa([]);
    expect(result.n).toBe(0);
    expect(result.kappa).toBeNaN();
    expect(result.observedAgreement).toBeNaN();
    expect(result.expectedAgreement).toBeNaN();
    expect(result.ci[0]).toBeNaN();
    expect(result.ci[1]).toBeNaN();
  });

  it("returns NaN kappa, but the agreements, when both raters always give the same label", () => {
    const result = cohenKappa([
      ["safe", "safe"],
      ["safe", "safe"],
      ["safe", "safe"],
    ]);
    expect(result).toMatchObject({ n: 3, observedAgreement: 1, expectedAgreement: 1 });
    expect(result.kappa).toBeNaN();
    expect(result.ci[0]).toBeNaN();
    expect(result.ci[1]).toBeNaN();
  });

  it("rejects a label missing from the listed categories, and duplicated categories", () => {
    expect(() => cohenKappa([["yes", "maybe"]], ["yes", "no"])).toThrow(/"maybe"/);
    expect(() => cohenKappa([["yes", "no"]], ["yes", "no", "yes"])).toThrow(RangeError);
  });

  it("covers the true kappa about 95% of the time with 200 items (simulation)", () => {
    // Cell probabilities of a 3×3 table (rows: rater 1); the true kappa follows from them.
    const cells = [
      [0.3, 0.05, 0.02],
      [0.04, 0.25, 0.05],
      [0.03, 0.04, 0.22],
    ];
    const rows = cells.map((row) => row.reduce((sum, share) => sum + share, 0));
    const columns = [0, 1, 2].map((j) => cells.reduce((sum, row) => sum + (row[j] as number), 0));
    const observed = cells.reduce((sum, row, i) => sum + (row[i] as number), 0);
    const expected = rows.reduce((sum, share, i) => sum + share * (columns[i] as number), 0);
    const trueKappa = (observed - expected) / (1 - expected);
    const labels = ["a", "b", "c"] as const;
    const flat = cells.flatMap((row, i) =>
      row.map((share, j): [Pair, number] => [[labels[i] as string, labels[j] as string], share]),
    );

    const uniform = seededUniform(2024);
    const experiments = 2_000;
    let covered = 0;
    for (let experiment = 0; experiment < experiments; experiment++) {
      const pairs: Pair[] = [];
      for (let item = 0; item < 200; item++) {
        pairs.push(drawCell(uniform(), flat));
      }
      const [lower, upper] = cohenKappa(pairs).ci;
      if (lower <= trueKappa && trueKappa <= upper) covered++;
    }
    // Four Monte Carlo standard errors (0.005 each) around 0.95.
    expect(covered / experiments).toBeGreaterThan(0.93);
    expect(covered / experiments).toBeLessThan(0.97);
  });
});
