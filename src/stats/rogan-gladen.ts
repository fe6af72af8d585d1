/**
 * Prevalence corrected for an imperfect judge: W. J. Rogan & B. Gladen (1978), "Estimating
 * prevalence from the results of a screening test", American Journal of Epidemiology 107(1):71-76.
 *
 *   π = (apparent rate + specificity - 1) / (sensitivity + specificity - 1)
 *
 * and, for two rates labelled by the same judge (same sensitivity and specificity in both arms),
 * the difference of their apparent rates p₁ - p₂ = (π₁ - π₂)(Se + Sp - 1), so
 *
 *   π₁ - π₂ = (p₁ - p₂) / (Se + Sp - 1)
 *
 * Intervals. Both intervals are percentile intervals of Monte Carlo draws in which sensitivity,
 * specificity and (for the prevalence) the apparent rate are drawn from their posteriors under
 * Jeffreys priors, Beta(x + ½, n - x + ½) for x successes in n (H. Jeffreys (1946), "An
 * invariant form for the prior probability in estimation problems", Proceedings of the Royal
 * Society A 186:453-461; its equal-tailed intervals are the "Jeffreys interval" that L. D. Brown,
 * T. T. Cai & A. DasGupta (2001), "Interval estimation for a binomial proportion", Statistical
 * Science 16(2):101-133, recommend for small n), and the corrected value is recomputed from each
 * draw. This replaced a parametric bootstrap that redrew each count from a binomial at its
 * observed rate: when the validation sample shows Sp = 1 (or Se = 1) that bootstrap never varies
 * it, treating a specificity estimated from ten labels as known, and its interval under-covered
 * exactly where the correction matters most. In simulations (__fixtures__/rogan-gladen-coverage.py,
 * 4,000 experiments each) the binomial bootstrap covered the true prevalence 0.82 of the time at
 * prevalence 0.10, Se 0.90, Sp 0.95 with 10 + 10 validation labels and 100 judged turns (0.64
 * with 300 turns, 0.41 with 1,000), and 0.75 at prevalence 0.02, Se 0.90, Sp 0.97; the Jeffreys
 * draws cover 0.966-0.975 in these. The apparent rate is drawn from its Jeffreys posterior too
 * rather than resampled binomially: with Jeffreys Se and Sp, resampling the run binomially still
 * fell short where the prevalence is near 0 (0.935 against 0.970 for the Beta draw at prevalence
 * 0.02; 0.927 against 0.960 at prevalence 0.05, Se 0.85, Sp 0.98, 15 + 15 labels), and the Beta
 * draw still varies when the run has no positives (or only positives).
 */

import { drawJeffreysProportion, drawStandardNormal } from "./draw-gamma.ts";
import { sampleQuantile } from "./percentile-interval.ts";
import { seededUniform } from "./seeded-uniform.ts";
import { assertCount, assertProportionCounts } from "./validate-inputs.ts";

/**
 * The Rogan-Gladen estimate, clamped to [0, 1] (outside it the apparent rate is one the judge
 * could not produce at this sensitivity and specificity; the nearest possible prevalence is kept).
 *
 * NaN when sensitivity + specificity ≤ 1: such a judge says yes at least as often for a negative
 * turn as for a positive one, so its rate carries no information about the prevalence (at = 1 the
 * formula is 0/0 or ±∞). NaN inputs give NaN; values outside [0, 1] throw a RangeError.
 */
export function roganGladen(
  apparentRate: number,
  sensitivity: number,
  specificity: number,
): number {
  assertUnitOrNaN("apparentRate", apparentRate);
  assertUnitOrNaN("sensitivity", sensitivity);
  assertUnitOrNaN("specificity", specificity);
  const youden = sensitivity + specificity - 1;
  if (!(youden > 0)) return Number.NaN;
  return Math.min(1, Math.max(0, (apparentRate + specificity - 1) / youden));
}

export interface JudgeValidation {
  /** The judge against human labels: true positives of the human positives, and so on. */
  truePositives: number;
  positives: number;
  trueNegatives: number;
  negatives: number;
}

export interface CorrectedPrevalenceInput {
  /** Turns of the run the judge labelled positive, out of `n` judged turns. */
  positives: number;
  n: number;
  validation: JudgeValidation;
  /** Monte Carlo draws behind the interval; 1,000 unless given. */
  bootstrapSamples?: number;
  seed?: number;
}

export interface CorrectedPrevalence {
  /** Rogan-Gladen estimate; NaN when it is undefined (see roganGladen and the interval notes). */
  rate: number;
  /** 95% interval carrying the run's and the validation's sampling error. */
  ci: [number, number];
  /** The judge's apparent rate, positives / n. */
  raw: number;
  /** Human labels behind the sensitivity and specificity. */
  labels: number;
  /** Share of draws with Se* + Sp* ≤ 1 (an uninformative judge); NaN when nothing was drawn. */
  uninformativeShare: number;
}

/**
 * The 95% interval: `bootstrapSamples` draws (default 1,000, mulberry32 with default seed 1) of
 * the apparent rate, the sensitivity and the specificity from their Jeffreys posteriors
 * Beta(positives + ½, n - positives + ½), Beta(TP + ½, FN + ½) and Beta(TN + ½, FP + ½), each
 * turned into a corrected rate, and the 2.5% and 97.5% quantiles of those (see the file comment
 * for why Jeffreys posteriors rather than binomial resampling).
 *
 * A draw with Se* + Sp* ≤ 1 has no corrected rate: the data are then consistent with a judge that
 * carries no information, under which any prevalence is possible. Such draws count as 0 for the
 * lower quantile and as 1 for the upper one, which widens the interval honestly when the
 * validation set is too small to rule an uninformative judge out (and changes nothing otherwise).
 * The interval is widened, if needed, to contain the point estimate (it is computed at the
 * observed Se and Sp, which the posterior draws shrink away from 1).
 *
 * When the point estimate is undefined (no judged turns, no validation positives or negatives,
 * or Se + Sp ≤ 1) the rate is NaN and the interval is [0, 1]: the prevalence exists but these
 * data do not locate it.
 */
export function correctedPrevalence(input: CorrectedPrevalenceInput): CorrectedPrevalence {
  const { positives, n, validation } = input;
  assertProportionCounts(positives, n, "run");
  const { bootstrapSamples, seed } = drawOptions(input, validation);

  const raw = n === 0 ? Number.NaN : positives / n;
  const sensitivity = ratio(validation.truePositives, validation.positives);
  const specificity = ratio(validation.trueNegatives, validation.negatives);
  const labels = validation.positives + validation.negatives;
  const rate = roganGladen(raw, sensitivity, specificity);
  if (Number.isNaN(rate)) return { rate, ci: [0, 1], raw, labels, uninformativeShare: Number.NaN };

  const uniform = seededUniform(seed);
  const { ci, uninformativeShare } = posteriorInterval(bootstrapSamples, [0, 1], () => {
    const rateStar = drawJeffreysProportion(uniform, positives, n);
    const [sensitivityStar, specificityStar] = drawJudge(uniform, validation);
    return roganGladen(rateStar, sensitivityStar, specificityStar);
  });
  return { rate, ci: containing(ci, rate), raw, labels, uninformativeShare };
}

export interface CorrectedRiskDifferenceInput {
  /**
   * Difference of two apparent rates judged by the same judge (e.g. a Mantel-Haenszel risk
   * difference of the judge's labels), in [-1, 1].
   */
  difference: number;
  /** Its standard error (sampling error of the runs), at least 0. */
  standardError: number;
  validation: JudgeValidation;
  /** Monte Carlo draws behind the interval; 1,000 unless given. */
  bootstrapSamples?: number;
  seed?: number;
}

export interface CorrectedRiskDifference {
  /** difference / (Se + Sp - 1), clamped to [-1, 1]; NaN when undefined. */
  difference: number;
  /** 95% interval carrying the difference's and the validation's sampling error. */
  ci: [number, number];
  /** The uncorrected difference as given. */
  raw: number;
  labels: number;
  /** Share of draws with Se* + Sp* ≤ 1; NaN when nothing was drawn. */
  uninformativeShare: number;
}

/**
 * The difference of two true rates from the difference of their apparent rates under one judge,
 * (p₁ - p₂) / (Se + Sp - 1), clamped to [-1, 1]. The 95% interval is the percentile interval of
 * `bootstrapSamples` draws (default 1,000, seed 1) of d* ~ Normal(difference, standardError²),
 * Se* and Sp* from their Jeffreys posteriors, each giving d* / (Se* + Sp* - 1) clamped to
 * [-1, 1]. Draws with Se* + Sp* ≤ 1 count as -1 for the lower quantile and +1 for the upper one
 * (any difference is possible under an uninformative judge), as in correctedPrevalence, and the
 * interval is widened if needed to contain the estimate.
 *
 * NaN with the interval [-1, 1] when the correction is undefined: Se + Sp ≤ 1 at the observed
 * rates, no validation positives or negatives, or a NaN difference. A NaN standard error keeps the
 * estimate but gives the interval [-1, 1].
 */
export function correctedRiskDifference(
  input: CorrectedRiskDifferenceInput,
): CorrectedRiskDifference {
  const { difference, standardError, validation } = input;
  assertDifference(difference, standardError);
  const { bootstrapSamples, seed } = drawOptions(input, validation);

  const sensitivity = ratio(validation.truePositives, validation.positives);
  const specificity = ratio(validation.trueNegatives, validation.negatives);
  const labels = validation.positives + validation.negatives;
  const youden = sensitivity + specificity - 1;
  const corrected = youden > 0 ? clampDifference(difference / youden) : Number.NaN;
  const undefinedInterval = { ci: [-1, 1] as [number, number], uninformativeShare: Number.NaN };
  if (Number.isNaN(corrected) || Number.isNaN(standardError)) {
    return { difference: corrected, ...undefinedInterval, raw: difference, labels };
  }

  const uniform = seededUniform(seed);
  const { ci, uninformativeShare } = posteriorInterval(bootstrapSamples, [-1, 1], () => {
    const differenceStar = difference + standardError * drawStandardNormal(uniform);
    const [sensitivityStar, specificityStar] = drawJudge(uniform, validation);
    const youdenStar = sensitivityStar + specificityStar - 1;
    return youdenStar > 0 ? clampDifference(differenceStar / youdenStar) : Number.NaN;
  });
  return {
    difference: corrected,
    ci: containing(ci, corrected),
    raw: difference,
    labels,
    uninformativeShare,
  };
}

function drawOptions(
  input: { bootstrapSamples?: number; seed?: number },
  validation: JudgeValidation,
): { bootstrapSamples: number; seed: number } {
  const bootstrapSamples = input.bootstrapSamples ?? 1_000;
  const seed = input.seed ?? 1;
  assertProportionCounts(validation.truePositives, validation.positives, "validation positives");
  assertProportionCounts(validation.trueNegatives, validation.negatives, "validation negatives");
  assertCount("bootstrapSamples", bootstrapSamples);
  if (bootstrapSamples < 1) throw new RangeError("bootstrapSamples must be at least 1");
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  return { bootstrapSamples, seed };
}

function drawJudge(uniform: () => number, validation: JudgeValidation): [number, number] {
  return [
    drawJeffreysProportion(uniform, validation.truePositives, validation.positives),
    drawJeffreysProportion(uniform, validation.trueNegatives, validation.negatives),
  ];
}

/**
 * The 2.5% and 97.5% quantiles of `samples` draws; a NaN draw (an uninformative judge) counts as
 * the lowest possible value for the lower quantile and the highest for the upper one.
 */
function posteriorInterval(
  samples: number,
  [lowest, highest]: [number, number],
  draw: () => number,
): { ci: [number, number]; uninformativeShare: number } {
  const informative: number[] = [];
  for (let sample = 0; sample < samples; sample++) {
    const value = draw();
    if (!Number.isNaN(value)) informative.push(value);
  }
  const uninformative = samples - informative.length;
  const sorted = informative.sort((left, right) => left - right);
  const below = new Array<number>(uninformative).fill(lowest);
  const above = new Array<number>(uninformative).fill(highest);
  return {
    ci: [
      sampleQuantile([...below, ...sorted], 0.025),
      sampleQuantile([...sorted, ...above], 0.975),
    ],
    uninformativeShare: uninformative / samples,
  };
}

function containing([lower, upper]: [number, number], estimate: number): [number, number] {
  return [Math.min(lower, estimate), Math.max(upper, estimate)];
}

function clampDifference(value: number): number {
  return Math.min(1, Math.max(-1, value));
}

function ratio(successes: number, trials: number): number {
  return trials === 0 ? Number.NaN : successes / trials;
}

function assertDifference(difference: number, standardError: number): void {
  if (!Number.isNaN(difference) && !(difference >= -1 && difference <= 1)) {
    throw new RangeError(`difference must be between -1 and 1, got ${difference}`);
  }
  if (!Number.isNaN(standardError) && !(standardError >= 0 && Number.isFinite(standardError))) {
    throw new RangeError(`standardError must be finite and at least 0, got ${standardError}`);
  }
}

function assertUnitOrNaN(name: string, value: number): void {
  if (Number.isNaN(value)) return;
  if (!(value >= 0 && value <= 1)) {
    throw new RangeError(`${name} must be between 0 and 1, got ${value}`);
  }
}
