/**
 * Mantel-Haenszel analysis of K strata of 2×2 tables, arm A against arm B. In stratum k, with
 * a = A's events, b = A's non-events, c = B's events, d = B's non-events, n_A = a + b,
 * n_B = c + d and n = n_A + n_B:
 *
 * - Pooled odds ratio (N. Mantel & W. Haenszel (1959), "Statistical aspects of the analysis of
 *   data from retrospective studies of disease", Journal of the National Cancer Institute
 *   22(4):719-748), OR = Σ R_k / Σ S_k with R = ad/n and S = bc/n, and the variance of its log
 *   from J. Robins, N. Breslow & S. Greenland (1986), "Estimators of the Mantel-Haenszel variance
 *   consistent in both sparse data and large-strata limiting models", Biometrics 42(2):311-323,
 *   with P = (a + d)/n and Q = (b + c)/n:
 *
 *     Var(ln OR) = Σ P R / (2 (Σ R)²) + Σ (P S + Q R) / (2 Σ R Σ S) + Σ Q S / (2 (Σ S)²)
 *
 *   The interval is exp(ln OR ± z SE).
 * - Cochran-Mantel-Haenszel test of OR = 1, without continuity correction (W. G. Cochran (1954),
 *   "Some methods for strengthening the common χ² tests", Biometrics 10(4):417-451; Mantel &
 *   Haenszel 1959): X² = (Σ a - Σ E[a])² / Σ Var(a) on 1 degree of freedom, where under the null
 *   hypergeometric E[a] = n_A (a + c) / n and Var(a) = n_A n_B (a + c)(b + d) / (n² (n - 1)).
 * - Mantel-Haenszel risk difference (rate A - rate B), RD = Σ w_k d_k / Σ w_k with Cochran's
 *   weights w = n_A n_B / n and d_k = a/n_A - c/n_B, and a Wald interval RD ± z SE, clamped to
 *   [-1, 1], with the variance estimator of T. Sato, S. Greenland & J. M. Robins (1989), "On the
 *   variance estimator for the Mantel-Haenszel risk difference", Biometrics 45(4):1323-1324
 *   (often cited as Sato 1989; the one SAS PROC FREQ uses):
 *
 *     Var(RD) = (RD Σ P'_k + Σ Q'_k) / (Σ w_k)²
 *     P' = (n_A² c - n_B² a + n_A n_B (n_B - n_A) / 2) / n²
 *     Q' = (a (n_B - c) + c (n_A - a)) / (2n)
 *
 *   Sato's estimator rather than that of S. Greenland & J. M. Robins (1985), "Estimation of a
 *   common effect parameter from sparse follow-up data", Biometrics 41(1):55-68, because it stays
 *   consistent both with a few large strata and with many sparse ones, while Greenland-Robins'
 *   sums the strata's plug-in binomial variances and needs every stratum to be large (with one
 *   observation per arm per stratum each of its terms is 0). Our strata (scenarios, prompts) may
 *   well be small. With 4 strata both intervals covered well in our simulations
 *   (__fixtures__/risk-difference-coverage.py), Sato's slightly better in the smallest strata:
 *   0.949 against 0.940 with 10 per arm per stratum.
 * - Breslow-Day test that the strata share one odds ratio (N. E. Breslow & N. E. Day (1980),
 *   "Statistical Methods in Cancer Research, vol. I", IARC Scientific Publications 32) with
 *   R. E. Tarone's (1985) correction ("On heterogeneity tests based on efficient scores",
 *   Biometrika 72(1):91-95): with e_k the value of a that gives stratum k's margins the pooled
 *   OR, i.e. the root in [max(0, a + c - n_B), min(n_A, a + c)] of
 *   e (d - a + e) = OR (n_A - e)(a + c - e), and its variance
 *   v_k = 1 / (1/e + 1/(n_A - e) + 1/(a + c - e) + 1/(d - a + e)):
 *
 *     X²_BD = Σ (a_k - e_k)² / v_k,   X²_Tarone = X²_BD - (Σ a_k - Σ e_k)² / Σ v_k
 *
 *   on (strata - 1) degrees of freedom. These match statsmodels' StratifiedTable
 *   (oddsratio_pooled, logodds_pooled_se, oddsratio_pooled_confint, test_null_odds(correction=
 *   False), test_equal_odds(adjust=True / False)).
 *
 * Which strata count. A stratum where either arm is empty (which includes every stratum with
 * fewer than 2 observations) compares nothing and is dropped from everything, as are its
 * observations from nA and nB; its terms in all the sums above are 0 or 0/0. The Breslow-Day test
 * further leaves out strata where every observation is an event or every one a non-event: their
 * a is fixed by the margins (v = 0), so they say nothing about whether the odds ratios differ,
 * and its degrees of freedom count only the strata it used. statsmodels keeps every stratum, and
 * where such a stratum's terms are 0/0 its results are NaN; hence reference cases without them.
 *
 * Degenerate results are NaN or infinite, never an exception (counts may come from model output):
 * - no usable strata: every estimate, interval and p-value is NaN;
 * - Σ R = Σ S = 0 (no stratum has both a and d, or b and c, non-zero): the odds ratio is NaN;
 *   Σ S = 0 alone gives OR = ∞ and Σ R = 0 alone OR = 0, with the log ±∞ and a NaN standard
 *   error and interval (no Wald interval exists; the Breslow-Day test is NaN too);
 * - Σ Var(a) = 0 (every stratum all events or all non-events): the CMH statistic and p are NaN;
 * - a Sato variance that is not positive (e.g. no events at all): the risk difference is kept but
 *   its standard error and interval are NaN, since a zero-width interval would claim certainty;
 * - fewer than 2 strata usable by Breslow-Day: its statistics and p-values are NaN.
 */
import chisquareCdf from "@stdlib/stats-base-dists-chisquare-cdf";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import { assertConfidenceLevel, assertCount } from "./validate-inputs.ts";

/** One stratum's 2×2 table: arm A's events and non-events, arm B's events and non-events. */
export interface StratumTable {
  aYes: number;
  aNo: number;
  bYes: number;
  bNo: number;
}

export interface MantelHaenszelOptions {
  /** Confidence level of the intervals; 0.95 unless given. */
  confidence?: number;
}

export interface BreslowDay {
  /** With Tarone's correction. */
  statistic: number;
  pValue: number;
  /** Breslow and Day's original statistic, without the correction. */
  uncorrectedStatistic: number;
  uncorrectedPValue: number;
  degreesOfFreedom: number;
  /** Strata that entered the test. */
  strata: number;
}

export interface MantelHaenszel {
  /** Strata used (both arms non-empty) and strata dropped. */
  strata: number;
  droppedStrata: number;
  /** Observations per arm in the strata used. */
  nA: number;
  nB: number;
  oddsRatio: number;
  logOddsRatio: number;
  /** Robins-Breslow-Greenland standard error of ln OR. */
  logOddsRatioStandardError: number;
  oddsRatioCi: [number, number];
  /** Cochran-Mantel-Haenszel test of OR = 1, no continuity correction, 1 degree of freedom. */
  cochranMantelHaenszel: { statistic: number; pValue: number };
  /** Rate A - rate B. */
  riskDifference: number;
  /** Sato's standard error. */
  riskDifferenceStandardError: number;
  riskDifferenceCi: [number, number];
  breslowDay: BreslowDay;
}

interface Stratum {
  a: number;
  b: number;
  c: number;
  d: number;
  nA: number;
  nB: number;
  n: number;
}

export function mantelHaenszel(
  tables: readonly StratumTable[],
  options: MantelHaenszelOptions = {},
): MantelHaenszel {
  const confidence = options.confidence ?? 0.95;
  assertConfidenceLevel(confidence);
  tables.forEach(assertStratumTable);
  const strata = tables.map(toStratum).filter((stratum) => stratum.nA > 0 && stratum.nB > 0);
  const z = normalQuantile((1 + confidence) / 2, 0, 1);
  const odds = pooledOddsRatio(strata, z);
  return {
    strata: strata.length,
    droppedStrata: tables.length - strata.length,
    nA: strata.reduce((sum, stratum) => sum + stratum.nA, 0),
    nB: strata.reduce((sum, stratum) => sum + stratum.nB, 0),
    ...odds,
    cochranMantelHaenszel: cochranMantelHaenszelTest(strata),
    ...riskDifference(strata, z),
    breslowDay: breslowDay(strata, odds.oddsRatio),
  };
}

/**
 * One stratum's terms of the CMH statistic: a - E[a] and Var(a) under the null. Exported for the
 * power simulation, which must test exactly as mantelHaenszel does. Both are 0 for a stratum with
 * an empty arm.
 */
export function cochranMantelHaenszelTerms(
  aYes: number,
  aTotal: number,
  bYes: number,
  bTotal: number,
): { deviation: number; variance: number } {
  const n = aTotal + bTotal;
  if (aTotal === 0 || bTotal === 0) return { deviation: 0, variance: 0 };
  const events = aYes + bYes;
  return {
    deviation: aYes - (aTotal * events) / n,
    variance: (aTotal * bTotal * events * (n - events)) / (n * n * (n - 1)),
  };
}

function assertStratumTable(table: StratumTable, index: number): void {
  for (const field of ["aYes", "aNo", "bYes", "bNo"] as const) {
    assertCount(`tables[${index}].${field}`, table[field]);
  }
}

function toStratum({ aYes, aNo, bYes, bNo }: StratumTable): Stratum {
  const nA = aYes + aNo;
  const nB = bYes + bNo;
  return { a: aYes, b: aNo, c: bYes, d: bNo, nA, nB, n: nA + nB };
}

function pooledOddsRatio(strata: readonly Stratum[], z: number) {
  let sumR = 0;
  let sumS = 0;
  let sumPR = 0;
  let sumPSQR = 0;
  let sumQS = 0;
  for (const { a, b, c, d, n } of strata) {
    const r = (a * d) / n;
    const s = (b * c) / n;
    const p = (a + d) / n;
    const q = (b + c) / n;
    sumR += r;
    sumS += s;
    sumPR += p * r;
    sumPSQR += p * s + q * r;
    sumQS += q * s;
  }
  const oddsRatio = sumR / sumS;
  const logOddsRatio = Math.log(oddsRatio);
  if (!(sumR > 0 && sumS > 0)) {
    return {
      oddsRatio,
      logOddsRatio,
      logOddsRatioStandardError: Number.NaN,
      oddsRatioCi: [Number.NaN, Number.NaN] as [number, number],
    };
  }
  const variance =
    sumPR / (2 * sumR * sumR) + sumPSQR / (2 * sumR * sumS) + sumQS / (2 * sumS * sumS);
  const standardError = Math.sqrt(variance);
  return {
    oddsRatio,
    logOddsRatio,
    logOddsRatioStandardError: standardError,
    oddsRatioCi: [
      Math.exp(logOddsRatio - z * standardError),
      Math.exp(logOddsRatio + z * standardError),
    ] as [number, number],
  };
}

function cochranMantelHaenszelTest(strata: readonly Stratum[]) {
  let deviation = 0;
  let variance = 0;
  for (const { a, nA, c, nB } of strata) {
    const terms = cochranMantelHaenszelTerms(a, nA, c, nB);
    deviation += terms.deviation;
    variance += terms.variance;
  }
  if (!(variance > 0)) return { statistic: Number.NaN, pValue: Number.NaN };
  const statistic = (deviation * deviation) / variance;
  return { statistic, pValue: 1 - chisquareCdf(statistic, 1) };
}

function riskDifference(strata: readonly Stratum[], z: number) {
  let numerator = 0;
  let weights = 0;
  let sumP = 0;
  let sumQ = 0;
  for (const { a, c, nA, nB, n } of strata) {
    numerator += (a * nB - c * nA) / n;
    weights += (nA * nB) / n;
    sumP += (nA * nA * c - nB * nB * a + (nA * nB * (nB - nA)) / 2) / (n * n);
    sumQ += (a * (nB - c) + c * (nA - a)) / (2 * n);
  }
  const difference = numerator / weights;
  const variance = (difference * sumP + sumQ) / (weights * weights);
  if (!(variance > 0)) {
    return {
      riskDifference: difference,
      riskDifferenceStandardError: Number.NaN,
      riskDifferenceCi: [Number.NaN, Number.NaN] as [number, number],
    };
  }
  const standardError = Math.sqrt(variance);
  return {
    riskDifference: difference,
    riskDifferenceStandardError: standardError,
    riskDifferenceCi: [
      Math.max(-1, difference - z * standardError),
      Math.min(1, difference + z * standardError),
    ] as [number, number],
  };
}

/**
 * The fitted a solves e (d - a + e) = OR (n_A - e)(a + c - e), i.e.
 * (1 - OR) e² + (OR (n_A + a + c) + d - a) e - OR n_A (a + c) = 0. Its admissible root is
 * written as 2 OR n_A (a + c) / (B + √(B² - 4AC)), which equals statsmodels' (-B + √…) / (2A)
 * but does not divide by A = 1 - OR, so it holds at OR = 1 and loses no digits near it.
 */
function breslowDay(strata: readonly Stratum[], oddsRatio: number): BreslowDay {
  const informative = strata.filter(({ a, b, c, d }) => a + c > 0 && b + d > 0);
  const degreesOfFreedom = Math.max(0, informative.length - 1);
  const undefinedTest = {
    statistic: Number.NaN,
    pValue: Number.NaN,
    uncorrectedStatistic: Number.NaN,
    uncorrectedPValue: Number.NaN,
    degreesOfFreedom,
    strata: informative.length,
  };
  if (informative.length < 2 || !(oddsRatio > 0 && Number.isFinite(oddsRatio))) {
    return undefinedTest;
  }
  let uncorrected = 0;
  let deviation = 0;
  let variances = 0;
  for (const { a, c, d, nA } of informative) {
    const events = a + c;
    const linear = oddsRatio * (nA + events) + d - a;
    const quadratic = 1 - oddsRatio;
    const constant = -oddsRatio * nA * events;
    const fitted =
      (-2 * constant) / (linear + Math.sqrt(linear * linear - 4 * quadratic * constant));
    const variance =
      1 / (1 / fitted + 1 / (events - fitted) + 1 / (nA - fitted) + 1 / (d - a + fitted));
    uncorrected += (a - fitted) ** 2 / variance;
    deviation += a - fitted;
    variances += variance;
  }
  const statistic = uncorrected - (deviation * deviation) / variances;
  return {
    statistic,
    pValue: 1 - chisquareCdf(statistic, degreesOfFreedom),
    uncorrectedStatistic: uncorrected,
    uncorrectedPValue: 1 - chisquareCdf(uncorrected, degreesOfFreedom),
    degreesOfFreedom,
    strata: informative.length,
  };
}
