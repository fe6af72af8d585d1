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

/** κ of a table of true cell probabilities. */
function cohenKappaOfCells(cells: number[][]): number {
  const rows = cells.map((row) => row.reduce((sum, share) => sum + share, 0));
  const columns = cells.map((_, j) => cells.reduce((sum, row) => sum + (row[j] as number), 0));
  const observed = cells.reduce((sum, row, i) => sum + (row[i] as number), 0);
  const expected = rows.reduce((sum, share, i) => sum + share * (columns[i] as number), 0);
  return (observed - expected) / (1 - expected);
}

describe("cohenKappa", () => {
  it.each(reference.cohenKappa)("matches the numpy reference: $name", (testCase) => {
    const result = cohenKappa(asPairs(testCase.pairs));
    expect(result.n).toBe(testCase.n);
    expect(result.kappa).toBeCloseTo(testCase.kappa, 10);
    expect(result.observedAgreement).toBeCloseTo(testCase.observedAgreement, 10);
    expect(result.expectedAgreement).toBeCloseTo(testCase.expectedAgreement, 10);
    expect(result.waldCi[0]).toBeCloseTo(testCase.lower, 10);
    expect(result.waldCi[1]).toBeCloseTo(testCase.upper, 10);
  });

  it.each(reference.cohenKappa)("matches the numpy posterior interval: $name", (testCase) => {
    const { ci, kappa } = cohenKappa(asPairs(testCase.pairs));
    // numpy drew 20,000 times from another generator, this 2,000: only close, not equal.
    expect(Math.abs(ci[0] - testCase.posteriorLower)).toBeLessThan(0.02);
    expect(Math.abs(ci[1] - testCase.posteriorUpper)).toBeLessThan(0.02);
    expect(ci[0]).toBeLessThanOrEqual(kappa);
    expect(kappa).toBeLessThanOrEqual(ci[1]);
  });

  it.each(reference.cohenKappa)("is unchanged by listing the categories: $name", (testCase) => {
    const pairs = asPairs(testCase.pairs);
    const withCategories = cohenKappa(pairs, [...testCase.categories, "never used"].reverse());
    const inferred = cohenKappa(pairs);
    expect(withCategories.kappa).toBeCloseTo(inferred.kappa, 12);
    expect(withCategories.waldCi[0]).toBeCloseTo(inferred.waldCi[0], 12);
    expect(withCategories.waldCi[1]).toBeCloseTo(inferred.waldCi[1], 12);
    // The posterior draws are made in a canonical order, so even they do not change.
    expect(withCategories.ci).toEqual(inferred.ci);
    expect(cohenKappa([...pairs].reverse()).ci).toEqual(inferred.ci);
  });

  it.each(reference.cohenKappa)("is symmetric in the two raters: $name", (testCase) => {
    const pairs = asPairs(testCase.pairs);
    const swapped = pairs.map(([first, second]): Pair => [second, first]);
    const result = cohenKappa(pairs);
    const swappedResult = cohenKappa(swapped);
    expect(swappedResult.kappa).toBeCloseTo(result.kappa, 12);
    expect(swappedResult.waldCi[0]).toBeCloseTo(result.waldCi[0], 12);
    expect(swappedResult.waldCi[1]).toBeCloseTo(result.waldCi[1], 12);
    expect(swappedResult.ci).toEqual(result.ci);
  });

  it("clamps the Wald interval to [-1, 1]", () => {
    const clamped = reference.cohenKappa.filter(({ lower, upper }) => lower === -1 || upper === 1);
    expect(clamped.length).toBeGreaterThan(0);
    for (const testCase of clamped) {
      const [lower, upper] = cohenKappa(asPairs(testCase.pairs)).waldCi;
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
    expect(result.waldCi[0]).toBeNaN();
    expect(result.waldCi[1]).toBeNaN();
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
    expect(result.waldCi[0]).toBeNaN();
  });

  it("rejects a label missing from the listed categories, and duplicated categories", () => {
    expect(() => cohenKappa([["yes", "maybe"]], ["yes", "no"])).toThrow(/"maybe"/);
    expect(() => cohenKappa([["yes", "no"]], ["yes", "no", "yes"])).toThrow(RangeError);
  });

  it("rejects draws below 1 and a fractional seed, and replays for a seed", () => {
    const pairs: Pair[] = [
      ["a", "a"],
      ["a", "b"],
      ["b", "b"],
    ];
    expect(() => cohenKappa(pairs, undefined, { draws: 0 })).toThrow(RangeError);
    expect(() => cohenKappa(pairs, undefined, { seed: 0.5 })).toThrow(RangeError);
    expect(cohenKappa(pairs, undefined, { seed: 4 }).ci).toEqual(
      cohenKappa(pairs, undefined, { seed: 4 }).ci,
    );
    expect(cohenKappa(pairs).ci).toEqual(
      cohenKappa(pairs, undefined, { seed: 1, draws: 2_000 }).ci,
    );
  });

  it("gives a non-degenerate interval at perfect agreement, which contains 1", () => {
    const pairs: Pair[] = [...Array(10).fill(["yes", "yes"]), ...Array(10).fill(["no", "no"])];
    const { kappa, ci, waldCi } = cohenKappa(pairs);
    expect(kappa).toBe(1);
    expect(waldCi).toEqual([1, 1]);
    expect(ci[0]).toBeLessThan(0.9);
    expect(ci[1]).toBe(1);
  });

  it("covers kappa 0.9 with 20 items where the Wald interval does not (simulation)", () => {
    // Two balanced labels, 5% disagreement: κ = 0.9. A third of the samples agree perfectly,
    // where the Wald interval (and a percentile bootstrap over items) is [1, 1].
    const flat: Array<[Pair, number]> = [
      [["yes", "yes"], 0.475],
      [["yes", "no"], 0.025],
      [["no", "yes"], 0.025],
      [["no", "no"], 0.475],
    ];
    const uniform = seededUniform(909);
    let experiments = 0;
    let covered = 0;
    let waldCovered = 0;
    while (experiments < 2_000) {
      const pairs = Array.from({ length: 20 }, () => drawCell(uniform(), flat));
      const result = cohenKappa(pairs, undefined, { draws: 1_000, seed: experiments });
      if (Number.isNaN(result.kappa)) continue;
      experiments++;
      if (result.ci[0] <= 0.9 && 0.9 <= result.ci[1]) covered++;
      if (result.waldCi[0] <= 0.9 && 0.9 <= result.waldCi[1]) waldCovered++;
    }
    // Measured: posterior interval 0.968, Wald 0.628 (Monte Carlo standard error about 0.005).
    expect(covered / experiments).toBeGreaterThanOrEqual(0.93);
    expect(waldCovered / experiments).toBeLessThan(0.75);
  });

  it("the Wald interval covers the true kappa about 95% of the time with 200 items (simulation)", () => {
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
      const [lower, upper] = cohenKappa(pairs, undefined, { draws: 1 }).waldCi;
      if (lower <= trueKappa && trueKappa <= upper) covered++;
    }
    // Four Monte Carlo standard errors (0.005 each) around 0.95.
    expect(covered / experiments).toBeGreaterThan(0.93);
    expect(covered / experiments).toBeLessThan(0.97);
  });

  it("the posterior interval covers the true kappa about 95% of the time with 200 items (simulation)", () => {
    const cells = [
      [0.3, 0.05, 0.02],
      [0.04, 0.25, 0.05],
      [0.03, 0.04, 0.22],
    ];
    const labels = ["a", "b", "c"] as const;
    const flat = cells.flatMap((row, i) =>
      row.map((share, j): [Pair, number] => [[labels[i] as string, labels[j] as string], share]),
    );
    const trueKappa = cohenKappaOfCells(cells);
    const uniform = seededUniform(2025);
    const experiments = 1_000;
    let covered = 0;
    for (let experiment = 0; experiment < experiments; experiment++) {
      const pairs = Array.from({ length: 200 }, () => drawCell(uniform(), flat));
      const [lower, upper] = cohenKappa(pairs, undefined, { draws: 1_000, seed: experiment }).ci;
      if (lower <= trueKappa && trueKappa <= upper) covered++;
    }
    // Measured 0.946; Monte Carlo standard error about 0.007.
    expect(covered / experiments).toBeGreaterThan(0.93);
    expect(covered / experiments).toBeLessThan(0.97);
  });
});
