/**
 * Sample sizes for detecting a difference between two proportions with a two-sided test.
 *
 * - Unpaired (independent groups, e.g. a refusal arm and a rebuttal arm with their own samples):
 *   the normal-approximation formula for the two-proportion test with Fleiss's continuity
 *   correction: J. L. Fleiss, A. Tytun and H. K. Ury (1980), "A simple approximation for
 *   calculating sample sizes for comparing independent proportions", Biometrics 36(2):343-346;
 *   J. L. Fleiss, B. Levin and M. C. Paik (2003), "Statistical Methods for Rates and
 *   Proportions", 3rd ed., section 4.2. The correction approximates the Casagrande-Pike-Smith
 *   size for the continuity-corrected chi-squared test (close to what Fisher's exact test needs).
 * - Paired (arms that share a prefix and are compared with McNemar's test): A. J. Connor (1987),
 *   "Sample size for testing differences in proportions for the paired-sample design",
 *   Biometrics 43(1):207-211, which needs the proportion of discordant pairs.
 *
 * Both round up to whole units.
 */
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import { assertOpenProbability } from "./validate-inputs.ts";

export interface UnpairedSampleSizeOptions {
  /** Event rate expected in arm A. */
  p1: number;
  /** Event rate expected in arm B. */
  p2: number;
  /** Two-sided significance level. */
  alpha?: number;
  /** Probability of detecting the difference p1 - p2 if it is real. */
  power?: number;
  /** Fleiss's continuity correction; without it the size is that of the uncorrected z test. */
  continuityCorrection?: boolean;
}

export interface PairedSampleSizeOptions {
  p1: number;
  p2: number;
  /**
   * Expected proportion of discordant pairs (only one arm has the event). Defaults to the value
   * under independence of the two arms, p1(1 - p2) + p2(1 - p1); positively correlated arms have
   * fewer discordant pairs and need fewer pairs.
   */
  discordance?: number;
  alpha?: number;
  power?: number;
}

/** Units per group. */
export function unpairedSampleSize({
  p1,
  p2,
  alpha = 0.05,
  power = 0.8,
  continuityCorrection = true,
}: UnpairedSampleSizeOptions): number {
  assertDesign(p1, p2, alpha, power);
  const zAlpha = twoSidedCriticalValue(alpha);
  const zBeta = normalQuantile(power, 0, 1);
  const meanRate = (p1 + p2) / 2;
  const absoluteDifference = Math.abs(p1 - p2);
  // The null standard deviation uses the pooled rate, the alternative one the two separate rates.
  const standardDeviations =
    zAlpha * Math.sqrt(2 * meanRate * (1 - meanRate)) +
    zBeta * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  const uncorrected = (standardDeviations / absoluteDifference) ** 2;
  if (!continuityCorrection) return roundUp(uncorrected);
  return roundUp(
    (uncorrected / 4) * (1 + Math.sqrt(1 + 4 / (uncorrected * absoluteDifference))) ** 2,
  );
}

/** Number of pairs. */
export function pairedSampleSize({
  p1,
  p2,
  discordance,
  alpha = 0.05,
  power = 0.8,
}: PairedSampleSizeOptions): number {
  assertDesign(p1, p2, alpha, power);
  const discordantProportion = discordance ?? p1 * (1 - p2) + p2 * (1 - p1);
  assertPossibleDiscordance(p1, p2, discordantProportion);
  const zAlpha = twoSidedCriticalValue(alpha);
  const zBeta = normalQuantile(power, 0, 1);
  const difference = p1 - p2;
  // Over n pairs, onlyA - onlyB has variance n * discordance under the null and
  // n * (discordance - difference^2) under the alternative.
  const standardDeviations =
    zAlpha * Math.sqrt(discordantProportion) +
    zBeta * Math.sqrt(discordantProportion - difference ** 2);
  return roundUp((standardDeviations / difference) ** 2);
}

function assertDesign(p1: number, p2: number, alpha: number, power: number): void {
  assertOpenProbability("p1", p1);
  assertOpenProbability("p2", p2);
  assertOpenProbability("alpha", alpha);
  assertOpenProbability("power", power);
  if (p1 === p2) {
    throw new RangeError(`p1 and p2 must differ: no sample size detects a zero difference`);
  }
}

/**
 * The discordance fixes the four cell probabilities of the paired table:
 * onlyA = (discordance + p1 - p2) / 2, onlyB = (discordance - p1 + p2) / 2, both = p1 - onlyA,
 * neither = 1 - p2 - onlyA. A discordance that makes any of them negative is impossible.
 */
function assertPossibleDiscordance(p1: number, p2: number, discordance: number): void {
  const difference = Math.abs(p1 - p2);
  const largest = Math.min(p1 + p2, 2 - p1 - p2);
  // The slack admits a boundary value such as discordance = 0.7 for rates 0.8 and 0.1, whose
  // difference comes out as 0.7000000000000001 in floating point.
  const slack = 1e-12;
  if (!(discordance >= difference - slack && discordance <= largest + slack)) {
    throw new RangeError(
      `discordance ${discordance} is impossible for rates ${p1} and ${p2}: it must lie in [${difference}, ${largest}]`,
    );
  }
}

function twoSidedCriticalValue(alpha: number): number {
  return normalQuantile(1 - alpha / 2, 0, 1);
}

// Forgives rounding residue just above a whole number, which would otherwise add a whole unit.
function roundUp(size: number): number {
  return Math.ceil(size - 1e-9);
}
