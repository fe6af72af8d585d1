import { describe, expect, it } from "vitest";
import reference from "./__fixtures__/logistic-reference.json" with { type: "json" };
import {
  fitLogisticRegression,
  type LogisticRegressionFit,
  type LogisticRegressionRow,
} from "./logistic-regression.ts";
import { designMatrix } from "./logistic-regression-design-matrix.ts";

/** One case of logistic-reference.json (written by logistic-reference.py). */
interface ReferenceCase {
  name: string;
  columns: Record<string, Array<string | number> | undefined>;
  factors: string[];
  baseline: Record<string, string>;
  interactions: Array<[string, string]>;
  numericFeatures?: string[];
  planted?: { feature: string; oddsRatio: number };
  featureNames: string[];
  observations: number;
  estimates: number[];
  standardErrors: number[];
  clusteredStandardErrors?: number[];
  clusterCount?: number;
  logLikelihood: number;
  z: number[];
  p: number[];
  oddsRatioIntervals: Array<[number, number]>;
}

const cases = reference.cases as unknown as ReferenceCase[];

const RELATIVE_TOLERANCE = 1e-6;

function expectRelativelyClose(actual: number | undefined, expected: number): void {
  expect(actual).toBeDefined();
  expect(Math.abs((actual ?? Number.NaN) - expected)).toBeLessThanOrEqual(
    RELATIVE_TOLERANCE * Math.abs(expected),
  );
}

function rowsOf(testCase: ReferenceCase): {
  rows: LogisticRegressionRow[];
  featureNames: string[];
} {
  const { columns } = testCase;
  const outcomes = (columns.outcome ?? []) as Array<0 | 1>;
  const records = outcomes.map((_, index) =>
    Object.fromEntries(
      testCase.factors.map((factor) => [factor, String(columns[factor]?.[index])]),
    ),
  );
  const design = designMatrix(records, testCase.factors, {
    baseline: testCase.baseline,
    interactions: testCase.interactions,
  });
  const numeric = testCase.numericFeatures ?? [];
  const rows = outcomes.map((outcome, index) => {
    const cluster = columns.cluster?.[index];
    const extra = numeric.map((name) => Number(columns[name]?.[index]));
    return {
      outcome,
      features: [...(design.features[index] ?? []), ...extra],
      ...(cluster === undefined ? {} : { cluster: String(cluster) }),
    };
  });
  return { rows, featureNames: [...design.featureNames, ...numeric] };
}

function plainRows(
  cells: Array<{ features: number[]; ones: number; zeros: number; cluster?: string }>,
): LogisticRegressionRow[] {
  return cells.flatMap(({ features, ones, zeros, cluster }) => [
    ...Array.from({ length: ones }, () => ({ outcome: 1 as const, features, cluster })),
    ...Array.from({ length: zeros }, () => ({ outcome: 0 as const, features, cluster })),
  ]);
}

function expectFailure(fit: LogisticRegressionFit, problem: RegExp): void {
  expect(fit.converged).toBe(false);
  expect(fit.coefficients).toEqual([]);
  expect(fit.logLikelihood).toBeNaN();
  expect(fit.problem).toMatch(problem);
}

describe("fitLogisticRegression against scipy", () => {
  describe.each(cases)("$name", (testCase) => {
    const { rows, featureNames } = rowsOf(testCase);
    const fit = fitLogisticRegression({ rows, featureNames });

    it("builds the reference's design", () => {
      expect(featureNames).toEqual(testCase.featureNames);
      expect(fit.observations).toBe(testCase.observations);
    });

    it("converges to the reference estimates and log-likelihood", () => {
      expect(fit.converged).toBe(true);
      expect(fit.problem).toBeUndefined();
      expect(fit.coefficients.map((entry) => entry.name)).toEqual(testCase.featureNames);
      testCase.estimates.forEach((estimate, index) => {
        expectRelativelyClose(fit.coefficients[index]?.estimate, estimate);
      });
      expectRelativelyClose(fit.logLikelihood, testCase.logLikelihood);
    });

    it("matches the model and clustered standard errors", () => {
      testCase.standardErrors.forEach((standardError, index) => {
        expectRelativelyClose(fit.coefficients[index]?.standardError, standardError);
      });
      const clustered = testCase.clusteredStandardErrors;
      expect(fit.clusters).toBe(testCase.clusterCount);
      fit.coefficients.forEach((entry, index) => {
        if (clustered === undefined) expect(entry.clusteredStandardError).toBeUndefined();
        else expectRelativelyClose(entry.clusteredStandardError, clustered[index] ?? Number.NaN);
      });
    });

    it("matches z, p and the odds-ratio interval from the same standard error", () => {
      fit.coefficients.forEach((entry, index) => {
        expectRelativelyClose(entry.z, testCase.z[index] ?? Number.NaN);
        expectRelativelyClose(entry.p, testCase.p[index] ?? Number.NaN);
        expectRelativelyClose(entry.oddsRatio, Math.exp(testCase.estimates[index] ?? Number.NaN));
        const [low, high] = testCase.oddsRatioIntervals[index] ?? [];
        expectRelativelyClose(entry.oddsRatioInterval[0], low ?? Number.NaN);
        expectRelativelyClose(entry.oddsRatioInterval[1], high ?? Number.NaN);
      });
    });
  });

  it("recovers the planted odds ratio of 3 inside its 95% interval", () => {
    const testCase = cases.find((entry) => entry.planted !== undefined);
    const planted = testCase?.planted;
    if (testCase === undefined || planted === undefined) throw new Error("no planted case");
    const fit = fitLogisticRegression(rowsOf(testCase));
    expect(fit.observations).toBe(4000);
    const arm = fit.coefficients.find((entry) => entry.name === planted.feature);
    const [low, high] = arm?.oddsRatioInterval ?? [Number.NaN, Number.NaN];
    expect(low).toBeLessThan(planted.oddsRatio);
    expect(high).toBeGreaterThan(planted.oddsRatio);
    expect(arm?.oddsRatio).toBeGreaterThan(low);
    expect(arm?.oddsRatio).toBeLessThan(high);
  });
});

describe("fitLogisticRegression on small exact cases", () => {
  it("gives the sample log odds ratio of a 2x2 table and Woolf's standard error", () => {
    // Saturated model: estimate = log((a d) / (b c)), SE = sqrt(1/a + 1/b + 1/c + 1/d).
    const rows = plainRows([
      { features: [1, 0], ones: 12, zeros: 28 },
      { features: [1, 1], ones: 25, zeros: 15 },
    ]);
    const fit = fitLogisticRegression({ rows, featureNames: ["intercept", "arm=refusal"] });
    const arm = fit.coefficients[1];
    expect(fit.converged).toBe(true);
    expect(arm?.estimate).toBeCloseTo(Math.log((25 * 28) / (15 * 12)), 12);
    expect(arm?.standardError).toBeCloseTo(Math.sqrt(1 / 12 + 1 / 28 + 1 / 25 + 1 / 15), 12);
    expect(fit.iterations).toBeLessThan(10);
  });

  it("estimates a rare but present outcome instead of calling it separation", () => {
    const rows = plainRows([
      { features: [1, 0], ones: 1, zeros: 399 },
      { features: [1, 1], ones: 40, zeros: 160 },
    ]);
    const fit = fitLogisticRegression({ rows, featureNames: ["intercept", "arm=refusal"] });
    expect(fit.converged).toBe(true);
    expect(fit.coefficients[0]?.estimate).toBeCloseTo(Math.log(1 / 399), 10);
  });

  it("uses the clustered standard error for z, p and the interval when clusters are given", () => {
    const rows = plainRows([
      { features: [1, 0], ones: 3, zeros: 7, cluster: "a" },
      { features: [1, 1], ones: 6, zeros: 4, cluster: "a" },
      { features: [1, 0], ones: 5, zeros: 5, cluster: "b" },
      { features: [1, 1], ones: 9, zeros: 1, cluster: "b" },
      { features: [1, 0], ones: 2, zeros: 8, cluster: "c" },
      { features: [1, 1], ones: 5, zeros: 5, cluster: "c" },
    ]);
    const fit = fitLogisticRegression({ rows, featureNames: ["intercept", "arm=refusal"] });
    const arm = fit.coefficients[1];
    const clustered = arm?.clusteredStandardError ?? Number.NaN;
    expect(fit.clusters).toBe(3);
    expect(clustered).not.toBeCloseTo(arm?.standardError ?? Number.NaN, 3);
    expect(arm?.z).toBeCloseTo((arm?.estimate ?? Number.NaN) / clustered, 12);
    expect(arm?.oddsRatioInterval[1]).toBeCloseTo(
      Math.exp((arm?.estimate ?? Number.NaN) + 1.959963984540054 * clustered),
      10,
    );
  });
});

describe("fitLogisticRegression refuses to report nonsense", () => {
  const names = ["intercept", "arm=refusal", "attribute=race", "arm=refusal:attribute=race"];
  const cell = (refusal: number, race: number) => [1, refusal, race, refusal * race];

  it("reports quasi-complete separation when one cell's outcome is all 1", () => {
    const rows = plainRows([
      { features: cell(0, 0), ones: 10, zeros: 30 },
      { features: cell(1, 0), ones: 20, zeros: 20 },
      { features: cell(0, 1), ones: 15, zeros: 25 },
      { features: cell(1, 1), ones: 40, zeros: 0 },
    ]);
    const fit = fitLogisticRegression({ rows, featureNames: names });
    expectFailure(
      fit,
      /^separation: the outcome is 1 in all 40 rows with arm=refusal:attribute=race/,
    );
    expect(fit.problem).toMatch(/odds ratio cannot be estimated/);
  });

  it("reports separation when the baseline cell's outcome is all 0", () => {
    const rows = plainRows([
      { features: cell(0, 0), ones: 0, zeros: 40 },
      { features: cell(1, 0), ones: 20, zeros: 20 },
      { features: cell(0, 1), ones: 15, zeros: 25 },
      { features: cell(1, 1), ones: 30, zeros: 10 },
    ]);
    const fit = fitLogisticRegression({ rows, featureNames: names });
    // The diverging direction moves all four coefficients: the intercept to -infinity and the
    // others so that the three mixed cells keep finite fitted log odds.
    expect(fit.problem).toBe(
      "separation: the outcome is perfectly predicted (always 0) in the 40 rows where " +
        "arm=refusal, attribute=race are 0; the estimates for intercept, arm=refusal, attribute=race, " +
        "arm=refusal:attribute=race diverge, so their odds ratios cannot be estimated. Merge or " +
        "drop the level or combination with an all-0 or all-1 outcome, or use a penalised " +
        "(Firth) fit",
    );
    expectFailure(fit, /^separation/);
    expect(fit.iterations).toBeGreaterThan(0);
  });

  it("names the rows of an all-0 baseline arm in a main-effects model", () => {
    const records: Array<Record<string, string>> = [];
    const outcomes: Array<0 | 1> = [];
    for (const arm of ["control", "rebuttal", "refusal"]) {
      for (const pressure of ["high", "low"]) {
        const ones = arm === "control" ? 0 : arm === "refusal" ? 15 : 10;
        for (let index = 0; index < 30; index++) {
          records.push({ arm, pressure });
          outcomes.push(index < ones ? 1 : 0);
        }
      }
    }
    const { featureNames, features } = designMatrix(records, ["arm", "pressure"]);
    const rows = outcomes.map((outcome, index) => ({ outcome, features: features[index] ?? [] }));
    const fit = fitLogisticRegression({ rows, featureNames });
    expectFailure(
      fit,
      /^separation: the outcome is perfectly predicted \(always 0\) in the 60 rows where arm=rebuttal, arm=refusal are 0; the estimates for intercept, arm=rebuttal, arm=refusal diverge/,
    );
  });

  it("reports complete separation by a numeric feature", () => {
    const rows: LogisticRegressionRow[] = Array.from({ length: 30 }, (_, index) => ({
      outcome: index < 15 ? 0 : 1,
      features: [1, index / 10],
    }));
    const fit = fitLogisticRegression({ rows, featureNames: ["intercept", "length"] });
    expectFailure(fit, /^separation: the outcome is perfectly predicted/);
    expect(fit.problem).toMatch(/intercept, length diverge/);
  });

  it("reports a constant outcome", () => {
    const rows = plainRows([
      { features: [1, 0], ones: 0, zeros: 10 },
      { features: [1, 1], ones: 0, zeros: 10 },
    ]);
    const fit = fitLogisticRegression({ rows, featureNames: ["intercept", "arm=refusal"] });
    expectFailure(fit, /^separation: the outcome is 0 in every row \(all 20\)/);
  });

  it("reports collinear columns by name", () => {
    const rows = plainRows([
      { features: [1, 0, 1], ones: 5, zeros: 5 },
      { features: [1, 1, 0], ones: 7, zeros: 3 },
    ]);
    const fit = fitLogisticRegression({
      rows,
      featureNames: ["intercept", "arm=refusal", "arm=rebuttal"],
    });
    expectFailure(
      fit,
      /^singular design: the columns intercept, arm=refusal, arm=rebuttal are linearly dependent/,
    );
  });

  it("reports a column that is zero in every row", () => {
    const rows = plainRows([
      { features: cell(0, 0), ones: 5, zeros: 5 },
      { features: cell(1, 0), ones: 7, zeros: 3 },
      { features: cell(0, 1), ones: 4, zeros: 6 },
    ]);
    const fit = fitLogisticRegression({ rows, featureNames: names });
    expectFailure(fit, /^singular design: the column arm=refusal:attribute=race is 0 in every row/);
  });

  it("reports too few observations", () => {
    const rows = plainRows([
      { features: [1, 0], ones: 1, zeros: 0 },
      { features: [1, 1], ones: 0, zeros: 1 },
    ]);
    const fit = fitLogisticRegression({ rows, featureNames: ["intercept", "arm=refusal"] });
    expectFailure(fit, /^too few observations: 2 rows for 2 coefficients/);
  });

  it("reports too few clusters", () => {
    const rows = plainRows([
      { features: [1, 0], ones: 3, zeros: 7, cluster: "only" },
      { features: [1, 1], ones: 6, zeros: 4, cluster: "only" },
    ]);
    const fit = fitLogisticRegression({ rows, featureNames: ["intercept", "arm=refusal"] });
    expectFailure(fit, /^too few clusters: every row is in the same cluster/);
    expect(fit.clusters).toBe(1);
  });

  it("says so when the iteration limit is too low to converge", () => {
    const rows = plainRows([
      { features: [1, 0], ones: 1, zeros: 99 },
      { features: [1, 1], ones: 50, zeros: 50 },
    ]);
    const fit = fitLogisticRegression({
      rows,
      featureNames: ["intercept", "arm=refusal"],
      maxIterations: 2,
    });
    expectFailure(fit, /^did not converge: the estimates were still changing after 2 iterations/);
  });
});

describe("fitLogisticRegression input checks", () => {
  const featureNames = ["intercept", "x"];
  it.each([
    ["a row of the wrong width", [{ outcome: 1 as const, features: [1] }]],
    ["a non-finite feature", [{ outcome: 1 as const, features: [1, Number.NaN] }]],
    ["an outcome that is not 0 or 1", [{ outcome: 2 as unknown as 0, features: [1, 0] }]],
    [
      "clusters on some rows only",
      [
        { outcome: 1 as const, features: [1, 0], cluster: "a" },
        { outcome: 0 as const, features: [1, 1] },
      ],
    ],
  ])("throws on %s", (_, rows) => {
    expect(() => fitLogisticRegression({ rows, featureNames })).toThrow(RangeError);
  });

  it("throws on duplicate feature names and bad settings", () => {
    const rows = [{ outcome: 1 as const, features: [1, 0] }];
    expect(() => fitLogisticRegression({ rows, featureNames: ["x", "x"] })).toThrow(RangeError);
    expect(() => fitLogisticRegression({ rows, featureNames, maxIterations: 0 })).toThrow(
      RangeError,
    );
    expect(() => fitLogisticRegression({ rows, featureNames, tolerance: 0 })).toThrow(RangeError);
  });
});

describe("designMatrix", () => {
  const records = [
    { arm: "refusal", attribute: "race" },
    { arm: "rebuttal", attribute: "race" },
    { arm: "refusal", attribute: "beverage" },
    { arm: "natural", attribute: "beverage" },
  ];

  it("treatment-codes each factor against its sorted first level, after an intercept", () => {
    const design = designMatrix(records, ["arm", "attribute"]);
    expect(design.baselines).toEqual({ arm: "natural", attribute: "beverage" });
    expect(design.featureNames).toEqual([
      "intercept",
      "arm=rebuttal",
      "arm=refusal",
      "attribute=race",
    ]);
    expect(design.features).toEqual([
      [1, 0, 1, 1],
      [1, 1, 0, 1],
      [1, 0, 1, 0],
      [1, 0, 0, 0],
    ]);
  });

  it("honours a chosen baseline and adds interaction columns", () => {
    const design = designMatrix(records, ["arm", "attribute"], {
      baseline: { arm: "rebuttal" },
      interactions: [["arm", "attribute"]],
    });
    expect(design.featureNames).toEqual([
      "intercept",
      "arm=natural",
      "arm=refusal",
      "attribute=race",
      "arm=natural:attribute=race",
      "arm=refusal:attribute=race",
    ]);
    expect(design.features[0]).toEqual([1, 0, 1, 1, 0, 1]);
    expect(design.features[1]).toEqual([1, 0, 0, 1, 0, 0]);
  });

  it.each([
    ["a missing level", [{ arm: "refusal" }], ["arm", "attribute"], {}],
    ["an unknown baseline level", records, ["arm"], { baseline: { arm: "control" } }],
    ["a baseline for another factor", records, ["arm"], { baseline: { pressure: "low" } }],
    ["an interaction with an unlisted factor", records, ["arm"], { interactions: [["arm", "x"]] }],
    ["a factor listed twice", records, ["arm", "arm"], {}],
  ] as const)("throws on %s", (_, input, factors, options) => {
    expect(() =>
      designMatrix(input as Array<Record<string, string>>, [...factors], options as never),
    ).toThrow(RangeError);
  });
});
