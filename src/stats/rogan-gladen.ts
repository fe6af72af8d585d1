/**
 * Prevalence corrected for an imperfect judge: W. J. Rogan & B. Gladen (1978), "Estimating
 * prevalence from the results of a screening test", American Journal of Epidemiology 107(1):71-76.
 *
 *   π = (apparent rate + specificity - 1) / (sensitivity + specificity - 1)
 */
import { percentileInterval, sampleQuantile } from "./percentile-interval.ts";
import { drawBinomial, seededUniform } from "./seeded-uniform.ts";
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

export interface CorrectedPrevalenceInput {
  /** Turns of the run the judge labelled positive, out of `n` judged turns. */
  positives: number;
  n: number;
  /** The judge against human labels: true positives of the human positives, and so on. */
  validation: {
    truePositives: number;
    positives: number;
    trueNegatives: number;
    negatives: number;
  };
  bootstrapSamples?: number;
  seed?: number;
}

export interface CorrectedPrevalence {
  /** Rogan-Gladen estimate; NaN when it is undefined (see roganGladen and the interval notes). */
  rate: number;
  /** 95% percentile-bootstrap interval carrying the run's and the validation's sampling error. */
  ci: [number, number];
  /** The judge's apparent rate, positives / n. */
  raw: number;
  /** Human labels behind the sensitivity and specificity. */
  labels: number;
}

/**
 * The 95% interval is a parametric percentile bootstrap (default 1,000 resamples, mulberry32 with
 * default seed 1). Each resample redraws the three independent proportions from their binomials
 * at the observed rates, the apparent rate Bin(n, raw) / n, the sensitivity
 * Bin(validation positives, Se) / positives and the specificity Bin(negatives, Sp) / negatives,
 * which is the same as resampling the judged turns and the two groups of validation labels with
 * replacement; the corrected rate is recomputed from the three. So the interval carries the
 * uncertainty of sensitivity and specificity, not just of the run's count.
 *
 * A resample with Se* + Sp* ≤ 1 has no corrected rate: the data are then consistent with a judge
 * that carries no information, under which any prevalence is possible. Such resamples count as 0
 * for the lower quantile and as 1 for the upper one, which widens the interval honestly when the
 * validation set is too small to rule an uninformative judge out (and changes nothing otherwise).
 *
 * When the point estimate is undefined (no judged turns, no validation positives or negatives,
 * or Se + Sp ≤ 1) the rate is NaN and the interval is [0, 1]: the prevalence exists but these
 * data do not locate it.
 */
export function correctedPrevalence(input: CorrectedPrevalenceInput): CorrectedPrevalence {
  const { positives, n, validation } = input;
  const bootstrapSamples = input.bootstrapSamples ?? 1_000;
  const seed = input.seed ?? 1;
  assertProportionCounts(positives, n, "run");
  assertProportionCounts(validation.truePositives, validation.positives, "validation positives");
  assertProportionCounts(validation.trueNegatives, validation.negatives, "validation negatives");
  assertCount("bootstrapSamples", bootstrapSamples);
  if (bootstrapSamples < 1) throw new RangeError("bootstrapSamples must be at least 1");
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);

  const raw = n === 0 ? Number.NaN : positives / n;
  const sensitivity = ratio(validation.truePositives, validation.positives);
  const specificity = ratio(validation.trueNegatives, validation.negatives);
  const labels = validation.positives + validation.negatives;
  const rate = roganGladen(raw, sensitivity, specificity);
  if (Number.isNaN(rate)) return { rate, ci: [0, 1], raw, labels };

  const uniform = seededUniform(seed);
  const resampled: number[] = [];
  let uninformative = 0;
  for (let sample = 0; sample < bootstrapSamples; sample++) {
    const rateStar = drawBinomial(uniform, n, raw) / n;
    const sensitivityStar =
      drawBinomial(uniform, validation.positives, sensitivity) / validation.positives;
    const specificityStar =
      drawBinomial(uniform, validation.negatives, specificity) / validation.negatives;
    const corrected = roganGladen(rateStar, sensitivityStar, specificityStar);
    if (Number.isNaN(corrected)) uninformative++;
    else resampled.push(corrected);
  }
  return { rate, ci: intervalWithUninformative(resampled, uninformative), raw, labels };
}

function ratio(successes: number, trials: number): number {
  return trials === 0 ? Number.NaN : successes / trials;
}

function intervalWithUninformative(resampled: number[], uninformative: number): [number, number] {
  if (uninformative === 0) return percentileInterval(resampled);
  const sorted = resampled.sort((left, right) => left - right);
  const zeros = new Array<number>(uninformative).fill(0);
  const ones = new Array<number>(uninformative).fill(1);
  return [
    sampleQuantile([...zeros, ...sorted], 0.025),
    sampleQuantile([...sorted, ...ones], 0.975),
  ];
}

function assertUnitOrNaN(name: string, value: number): void {
  if (Number.isNaN(value)) return;
  if (!(value >= 0 && value <= 1)) {
    throw new RangeError(`${name} must be between 0 and 1, got ${value}`);
  }
}
