import { describe, expect, it } from "vitest";
import reference from "./__fixtures__/mantel-haenszel-reference.json" with { type: "json" };
import { mantelHaenszel, type StratumTable } from "./mantel-haenszel.ts";
import { drawBinomial, seededUniform } from "./seeded-uniform.ts";

/** Within 1e-9, absolute below 1 and relative above it. */
function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}

function expectAllNaN(...values: number[]): void {
  for (const value of values) expect(value).toBeNaN();
}

describe("mantelHaenszel against statsmodels and the numpy Sato implementation", () => {
  it.each(reference.mantelHaenszel)("$name", (testCase) => {
    const result = mantelHaenszel(testCase.tables, { confidence: testCase.confidence });
    expect(result.strata).toBe(testCase.tables.length);
    expect(result.droppedStrata).toBe(0);
    expect(result.nA).toBe(testCase.nA);
    expect(result.nB).toBe(testCase.nB);
    expectClose(result.oddsRatio, testCase.oddsRatio);
    expectClose(result.logOddsRatio, testCase.logOddsRatio);
    expectClose(result.logOddsRatioStandardError, testCase.logOddsRatioStandardError);
    expectClose(result.oddsRatioCi[0], testCase.oddsRatioCi[0] as number);
    expectClose(result.oddsRatioCi[1], testCase.oddsRatioCi[1] as number);
    expectClose(result.cochranMantelHaenszel.statistic, testCase.cmhStatistic);
    expectClose(result.cochranMantelHaenszel.pValue, testCase.cmhPValue);
    expectClose(result.riskDifference, testCase.riskDifference);
    expectClose(result.riskDifferenceStandardError, testCase.riskDifferenceStandardError);
    expectClose(result.riskDifferenceCi[0], testCase.riskDifferenceCi[0] as number);
    expectClose(result.riskDifferenceCi[1], testCase.riskDifferenceCi[1] as number);
    const breslowDay = testCase.breslowDay;
    if (breslowDay === null) {
      expectAllNaN(result.breslowDay.statistic, result.breslowDay.pValue);
    } else {
      expect(result.breslowDay.degreesOfFreedom).toBe(breslowDay.degreesOfFreedom);
      expectClose(result.breslowDay.statistic, breslowDay.statistic);
      expectClose(result.breslowDay.pValue, breslowDay.pValue);
      expectClose(result.breslowDay.uncorrectedStatistic, breslowDay.uncorrectedStatistic);
      expectClose(result.breslowDay.uncorrectedPValue, breslowDay.uncorrectedPValue);
    }
  });

  it("reproduces Agresti's (2013) published risk difference, 0.130 with standard error 0.050", () => {
    const published = reference.publishedRiskDifference;
    const result = mantelHaenszel(published.tables);
    const half = 0.5 * 10 ** -published.decimals;
    expect(Math.abs(result.riskDifference - published.riskDifference)).toBeLessThanOrEqual(half);
    expect(
      Math.abs(result.riskDifferenceStandardError - published.standardError),
    ).toBeLessThanOrEqual(half);
    // The cicalc R package's Sato interval for the same data, printed to four decimals.
    const cicalcHalf = 0.5 * 10 ** -published.cicalcDecimals;
    expect(Math.abs(result.riskDifferenceCi[0] - (published.cicalcCi[0] as number))).toBeLessThan(
      cicalcHalf,
    );
    expect(Math.abs(result.riskDifferenceCi[1] - (published.cicalcCi[1] as number))).toBeLessThan(
      cicalcHalf,
    );
  });
});

describe("mantelHaenszel: strata that are dropped", () => {
  const kept: StratumTable[] = [
    { aYes: 12, aNo: 8, bYes: 7, bNo: 13 },
    { aYes: 9, aNo: 6, bYes: 4, bNo: 12 },
    { aYes: 5, aNo: 15, bYes: 2, bNo: 18 },
  ];
  const withoutArms: StratumTable[] = [
    { aYes: 0, aNo: 0, bYes: 0, bNo: 0 },
    { aYes: 1, aNo: 0, bYes: 0, bNo: 0 },
    { aYes: 0, aNo: 0, bYes: 0, bNo: 1 },
    { aYes: 4, aNo: 3, bYes: 0, bNo: 0 },
    { aYes: 0, aNo: 0, bYes: 5, bNo: 9 },
  ];

  it("drops strata with an empty arm (including all with fewer than 2 observations)", () => {
    const base = mantelHaenszel(kept);
    const result = mantelHaenszel([
      withoutArms[0],
      kept[0],
      ...withoutArms.slice(1),
      ...kept.slice(1),
    ] as StratumTable[]);
    expect(result.strata).toBe(3);
    expect(result.droppedStrata).toBe(5);
    expect(result.nA).toBe(base.nA);
    expect(result.nB).toBe(base.nB);
    expect(result.oddsRatio).toBe(base.oddsRatio);
    expect(result.logOddsRatioStandardError).toBe(base.logOddsRatioStandardError);
    expect(result.cochranMantelHaenszel).toEqual(base.cochranMantelHaenszel);
    expect(result.riskDifference).toBe(base.riskDifference);
    expect(result.riskDifferenceCi).toEqual(base.riskDifferenceCi);
    expect(result.breslowDay).toEqual(base.breslowDay);
  });

  it("keeps all-event strata in the estimates but leaves them out of Breslow-Day", () => {
    const allEvents = { aYes: 6, aNo: 0, bYes: 5, bNo: 0 };
    const noEvents = { aYes: 0, aNo: 7, bYes: 0, bNo: 4 };
    const base = mantelHaenszel(kept);
    const result = mantelHaenszel([...kept, allEvents, noEvents]);
    expect(result.strata).toBe(5);
    expect(result.nA).toBe(base.nA + 13);
    // Their odds-ratio and CMH terms are 0, so those do not move.
    expect(result.oddsRatio).toBeCloseTo(base.oddsRatio, 12);
    expect(result.cochranMantelHaenszel.statistic).toBeCloseTo(
      base.cochranMantelHaenszel.statistic,
      12,
    );
    // They do carry weight in the risk difference: a stratum difference of 0.
    expect(Math.abs(result.riskDifference)).toBeLessThan(Math.abs(base.riskDifference));
    expect(result.breslowDay.strata).toBe(3);
    expect(result.breslowDay.degreesOfFreedom).toBe(2);
    expect(result.breslowDay.statistic).toBeCloseTo(base.breslowDay.statistic, 12);
  });
});

describe("mantelHaenszel: degenerate inputs", () => {
  it("returns NaN for no strata or no usable strata", () => {
    for (const tables of [[], [{ aYes: 3, aNo: 2, bYes: 0, bNo: 0 }]]) {
      const result = mantelHaenszel(tables);
      expect(result.strata).toBe(0);
      expect(result.nA).toBe(0);
      expectAllNaN(
        result.oddsRatio,
        result.logOddsRatioStandardError,
        ...result.oddsRatioCi,
        result.cochranMantelHaenszel.statistic,
        result.cochranMantelHaenszel.pValue,
        result.riskDifference,
        ...result.riskDifferenceCi,
        result.breslowDay.statistic,
      );
    }
  });

  it("gives an infinite odds ratio, with no interval, when arm B never has an event where A has a non-event", () => {
    const result = mantelHaenszel([
      { aYes: 5, aNo: 0, bYes: 2, bNo: 3 },
      { aYes: 4, aNo: 2, bYes: 0, bNo: 6 },
    ]);
    expect(result.oddsRatio).toBe(Number.POSITIVE_INFINITY);
    expect(result.logOddsRatio).toBe(Number.POSITIVE_INFINITY);
    expectAllNaN(result.logOddsRatioStandardError, ...result.oddsRatioCi);
    expectAllNaN(result.breslowDay.statistic, result.breslowDay.pValue);
    expect(result.cochranMantelHaenszel.pValue).toBeLessThan(0.01);
    expect(result.riskDifference).toBeGreaterThan(0);
  });

  it("gives an odds ratio of 0 in the mirror case", () => {
    const result = mantelHaenszel([
      { aYes: 0, aNo: 5, bYes: 3, bNo: 2 },
      { aYes: 2, aNo: 4, bYes: 6, bNo: 0 },
    ]);
    expect(result.oddsRatio).toBe(0);
    expect(result.logOddsRatio).toBe(Number.NEGATIVE_INFINITY);
    expectAllNaN(result.logOddsRatioStandardError, ...result.oddsRatioCi);
  });

  it("returns NaN for the test and the intervals when nothing varies", () => {
    const result = mantelHaenszel([
      { aYes: 0, aNo: 5, bYes: 0, bNo: 6 },
      { aYes: 0, aNo: 7, bYes: 0, bNo: 3 },
    ]);
    expect(result.strata).toBe(2);
    expectAllNaN(result.oddsRatio, result.cochranMantelHaenszel.statistic);
    expect(result.riskDifference).toBe(0);
    expectAllNaN(result.riskDifferenceStandardError, ...result.riskDifferenceCi);
  });

  it("computes Breslow-Day at a pooled odds ratio of exactly 1, where statsmodels divides by 0", () => {
    // Σ ad/n = Σ bc/n = 825/60, so the fitted a is the null expectation n_A (a + c) / n.
    const tables = [
      { aYes: 25, aNo: 5, bYes: 5, bNo: 25 },
      { aYes: 10, aNo: 20, bYes: 15, bNo: 15 },
      { aYes: 5, aNo: 25, bYes: 20, bNo: 10 },
    ];
    const result = mantelHaenszel(tables);
    expect(result.oddsRatio).toBeCloseTo(1, 14);
    let statistic = 0;
    for (const { aYes, aNo, bYes, bNo } of tables) {
      const fitted = ((aYes + aNo) * (aYes + bYes)) / 60;
      const cells = [fitted, aYes + aNo - fitted, aYes + bYes - fitted, bNo - aYes + fitted];
      const variance = 1 / cells.reduce((sum, cell) => sum + 1 / cell, 0);
      statistic += (aYes - fitted) ** 2 / variance;
    }
    expect(result.breslowDay.uncorrectedStatistic).toBeCloseTo(statistic, 10);
  });
});

describe("mantelHaenszel: validation", () => {
  it.each([
    [{ aYes: -1, aNo: 2, bYes: 3, bNo: 4 }],
    [{ aYes: 1.5, aNo: 2, bYes: 3, bNo: 4 }],
    [{ aYes: 1, aNo: Number.NaN, bYes: 3, bNo: 4 }],
    [{ aYes: 1, aNo: 2, bYes: Number.POSITIVE_INFINITY, bNo: 4 }],
  ])("rejects the table %o", (table) => {
    expect(() => mantelHaenszel([table])).toThrow(RangeError);
  });

  it("rejects a confidence level outside (0, 1)", () => {
    expect(() => mantelHaenszel([], { confidence: 1 })).toThrow(RangeError);
  });
});

describe("mantelHaenszel: coverage of the Sato risk-difference interval (simulation)", () => {
  // [base rates of arm B in the 4 strata, common difference, arm sizes A, arm sizes B]
  it.each([
    [[0.2, 0.3, 0.4, 0.5], 0.15, [25, 25, 25, 25], [25, 25, 25, 25]],
    [[0.1, 0.2, 0.3, 0.4], 0.1, [10, 10, 10, 10], [10, 10, 10, 10]],
    [[0.3, 0.3, 0.5, 0.5], -0.2, [40, 20, 30, 10], [20, 40, 10, 30]],
    [[0.05, 0.1, 0.15, 0.2], 0.05, [100, 100, 100, 100], [100, 100, 100, 100]],
  ])(
    "covers a common difference near 95%% (rates B %j, difference %s)",
    (ratesB, difference, sizesA, sizesB) => {
      const uniform = seededUniform(Math.round(1000 * (difference + 1)) + (sizesA[0] as number));
      const experiments = 4_000;
      let covered = 0;
      for (let experiment = 0; experiment < experiments; experiment++) {
        const tables = ratesB.map((rateB, index) => {
          const sizeA = sizesA[index] as number;
          const sizeB = sizesB[index] as number;
          const aYes = drawBinomial(uniform, sizeA, rateB + difference);
          const bYes = drawBinomial(uniform, sizeB, rateB);
          return { aYes, aNo: sizeA - aYes, bYes, bNo: sizeB - bYes };
        });
        const [lower, upper] = mantelHaenszel(tables).riskDifferenceCi;
        if (lower <= difference && difference <= upper) covered++;
      }
      // Monte Carlo standard error about 0.0035.
      expect(covered / experiments).toBeGreaterThanOrEqual(0.93);
      expect(covered / experiments).toBeLessThanOrEqual(0.97);
    },
  );
});
