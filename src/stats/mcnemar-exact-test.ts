/**
 * Two-sided exact McNemar test (Q. McNemar (1947), "Note on the sampling error of the difference
 * between correlated proportions or percentages", Psychometrika 12(2):153-157): conditional on
 * the number of discordant pairs, the pairs where only A had the event are Binomial(n, 1/2) under
 * the null hypothesis that the two arms have the same rate.
 */
import { assertCount } from "./validate-inputs.ts";

/**
 * p-value from the discordant pair counts: `onlyA` pairs where only arm A had the event, `onlyB`
 * where only arm B had it. Concordant pairs carry no information about the difference.
 */
export function mcnemarExactTest(onlyA: number, onlyB: number): number {
  assertCount("onlyA", onlyA);
  assertCount("onlyB", onlyB);
  const discordant = onlyA + onlyB;
  // Without discordant pairs there is no evidence of a difference at all; with counts at most one
  // apart the observed split is a most probable one, so every outcome counts. Returning exactly 1
  // here avoids rounding residue from the tail sum below.
  if (Math.abs(onlyA - onlyB) <= 1) return 1;
  // The null distribution is symmetric, so "at most as probable as the observed count" is both
  // tails beyond the smaller count, i.e. twice one tail (the cap only guards against rounding).
  const smallerCount = Math.min(onlyA, onlyB);
  return Math.min(1, 2 * fairCoinLowerTail(smallerCount, discordant));
}

/** P(X <= k) for X ~ Binomial(n, 1/2), with k <= n / 2. */
function fairCoinLowerTail(k: number, n: number): number {
  // Sum the terms relative to the largest one, P(X = k), so that tiny p-values neither underflow
  // early nor lose precision; the terms shrink going down from k because k is below the mode.
  let relativeSum = 1;
  let relativeTerm = 1;
  for (let count = k; count > 0; count--) {
    relativeTerm *= count / (n - count + 1);
    relativeSum += relativeTerm;
    if (relativeTerm < relativeSum * Number.EPSILON) break;
  }
  return Math.exp(logFairCoinProbability(k, n) + Math.log(relativeSum));
}

// 2^500: rescaling by a power of two is exact, and keeps the running product far from overflow.
const RESCALE_THRESHOLD = 2 ** 500;

/** log P(X = k) = log C(n, k) - n log 2. */
function logFairCoinProbability(k: number, n: number): number {
  // A running product has a relative error of about k ulps; summing k logarithms instead would
  // accumulate absolute error in a sum of magnitude n, costing digits once n reaches thousands.
  let scaledCoefficient = 1;
  let binaryExponent = -n;
  for (let index = 1; index <= k; index++) {
    scaledCoefficient *= (n - k + index) / index;
    if (scaledCoefficient > RESCALE_THRESHOLD) {
      scaledCoefficient /= RESCALE_THRESHOLD;
      binaryExponent += 500;
    }
  }
  return Math.log(scaledCoefficient) + binaryExponent * Math.LN2;
}
