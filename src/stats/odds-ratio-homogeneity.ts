/**
 * Do several independent groups (e.g. models) share one Mantel-Haenszel effect? Each group is its
 * own set of strata, analysed by mantelHaenszel; the groups' pooled log odds ratios L_i, with
 * Robins-Breslow-Greenland variances v_i and weights w_i = 1 / v_i, are compared by Cochran's Q:
 * W. G. Cochran (1954), "The combination of estimates from different experiments", Biometrics
 * 10(1):101-129.
 *
 *   L̄ = Σ w_i L_i / Σ w_i,   Q = Σ w_i (L_i - L̄)²,   Q ~ χ² on (groups - 1) degrees of freedom
 *
 * For exactly two groups it also gives the first group's effect minus the second's, with Wald
 * intervals whose variances add (the groups are independent samples):
 * - ln OR₁ - ln OR₂ ± z √(v₁ + v₂) (exp of it is the ratio of the odds ratios); Q is then the
 *   square of this difference over its variance;
 * - RD₁ - RD₂ ± z √(Var₁ + Var₂) with the groups' Sato variances (see mantelHaenszel).
 *
 * Degenerate inputs give NaN, never an exception: Q and its p-value are NaN when any group lacks a
 * finite log odds ratio with a positive variance (no usable strata, OR 0 or ∞), rather than
 * quietly testing fewer groups; a difference is NaN when either group's estimate or variance is.
 * Fewer than two groups is a RangeError: there is nothing to compare.
 */
import chisquareCdf from "@stdlib/stats-base-dists-chisquare-cdf";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import {
  type MantelHaenszel,
  type MantelHaenszelOptions,
  mantelHaenszel,
  type StratumTable,
} from "./mantel-haenszel.ts";
import { assertConfidenceLevel } from "./validate-inputs.ts";

export interface EffectDifference {
  /** First group minus second. */
  estimate: number;
  standardError: number;
  ci: [number, number];
}

export interface OddsRatioHomogeneity {
  /** Each group's own Mantel-Haenszel analysis, in input order. */
  groups: MantelHaenszel[];
  /** Inverse-variance weighted mean of the groups' log odds ratios. */
  pooledLogOddsRatio: number;
  /** Cochran's Q. */
  statistic: number;
  degreesOfFreedom: number;
  pValue: number;
  /** Only for exactly two groups, else null. */
  logOddsRatioDifference: EffectDifference | null;
  riskDifferenceDifference: EffectDifference | null;
}

export function oddsRatioHomogeneity(
  groups: readonly (readonly StratumTable[])[],
  options: MantelHaenszelOptions = {},
): OddsRatioHomogeneity {
  if (groups.length < 2) {
    throw new RangeError(`at least two groups are needed to compare, got ${groups.length}`);
  }
  const confidence = options.confidence ?? 0.95;
  assertConfidenceLevel(confidence);
  const analyses = groups.map((tables) => mantelHaenszel(tables, { confidence }));
  const z = normalQuantile((1 + confidence) / 2, 0, 1);
  const twoGroups = analyses.length === 2 ? (analyses as [MantelHaenszel, MantelHaenszel]) : null;
  return {
    groups: analyses,
    ...cochranQ(analyses),
    logOddsRatioDifference:
      twoGroups &&
      difference(twoGroups, z, (group) => [group.logOddsRatio, group.logOddsRatioStandardError]),
    riskDifferenceDifference:
      twoGroups &&
      difference(twoGroups, z, (group) => [
        group.riskDifference,
        group.riskDifferenceStandardError,
      ]),
  };
}

function cochranQ(analyses: readonly MantelHaenszel[]) {
  const degreesOfFreedom = analyses.length - 1;
  const usable = analyses.every(
    ({ logOddsRatio, logOddsRatioStandardError }) =>
      Number.isFinite(logOddsRatio) && logOddsRatioStandardError > 0,
  );
  if (!usable) {
    return {
      pooledLogOddsRatio: Number.NaN,
      statistic: Number.NaN,
      degreesOfFreedom,
      pValue: Number.NaN,
    };
  }
  const weights = analyses.map(({ logOddsRatioStandardError }) => logOddsRatioStandardError ** -2);
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
  const pooled =
    analyses.reduce(
      (sum, { logOddsRatio }, index) => sum + (weights[index] as number) * logOddsRatio,
      0,
    ) / totalWeight;
  const statistic = analyses.reduce(
    (sum, { logOddsRatio }, index) =>
      sum + (weights[index] as number) * (logOddsRatio - pooled) ** 2,
    0,
  );
  return {
    pooledLogOddsRatio: pooled,
    statistic,
    degreesOfFreedom,
    pValue: 1 - chisquareCdf(statistic, degreesOfFreedom),
  };
}

function difference(
  [first, second]: [MantelHaenszel, MantelHaenszel],
  z: number,
  effect: (group: MantelHaenszel) => [estimate: number, standardError: number],
): EffectDifference {
  const [firstEstimate, firstError] = effect(first);
  const [secondEstimate, secondError] = effect(second);
  const estimate = firstEstimate - secondEstimate;
  const standardError = Math.hypot(firstError, secondError);
  if (!(Number.isFinite(estimate) && Number.isFinite(standardError))) {
    return { estimate, standardError: Number.NaN, ci: [Number.NaN, Number.NaN] };
  }
  return {
    estimate,
    standardError,
    ci: [estimate - z * standardError, estimate + z * standardError],
  };
}
