import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { designMatrix, fitLogisticRegression } from "../stats/index.ts";
import { averageMarginalEffect } from "./marginal-effect.ts";

/** statsmodels' Logit with cluster-robust covariance on a simulated arm × pressure dataset. */
const reference = JSON.parse(
  readFileSync(new URL("./__fixtures__/marginal-effect-reference.json", import.meta.url), "utf8"),
) as {
  feature_names: string[];
  records: Array<{ arm: string; pressure: string; cluster: string; outcome: 0 | 1 }>;
  estimates: number[];
  difference: number;
  ci: [number, number];
};

describe("averageMarginalEffect", () => {
  it("equals statsmodels' fit and a numpy delta method: refusal vs rebuttal averaged over pressure", () => {
    const records = reference.records.map(({ arm, pressure }) => ({ arm, pressure }));
    const grid = ["low", "high"].flatMap((pressure) =>
      ["refusal", "rebuttal"].map((arm) => ({ arm, pressure })),
    );
    const design = designMatrix([...records, ...grid], ["arm", "pressure"], {
      baseline: { arm: "rebuttal", pressure: "low" },
      interactions: [["arm", "pressure"]],
    });
    expect(design.featureNames).toEqual(reference.feature_names);
    const fit = fitLogisticRegression({
      featureNames: design.featureNames,
      rows: reference.records.map((record, index) => ({
        outcome: record.outcome,
        features: design.features[index] ?? [],
        cluster: record.cluster,
      })),
    });
    const estimates = fit.coefficients.map((coefficient) => coefficient.estimate);
    estimates.forEach((estimate, index) => {
      expect(estimate).toBeCloseTo(reference.estimates[index] ?? Number.NaN, 6);
    });
    const effect = averageMarginalEffect({
      arm: "refusal",
      baselineArm: "rebuttal",
      averagedOver: ["pressure"],
      estimates,
      covariance: fit.covariance,
      rows: design.features.slice(records.length),
      armOf: grid.map((record) => record.arm),
    });
    expect(effect.difference).toBeCloseTo(reference.difference, 8);
    expect(effect.ci[0]).toBeCloseTo(reference.ci[0], 6);
    expect(effect.ci[1]).toBeCloseTo(reference.ci[1], 6);
  });
});
