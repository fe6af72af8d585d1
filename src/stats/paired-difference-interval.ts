/**
 * Interval for the difference pA - pB of two proportions measured on the same units (paired
 * binary data): R. G. Newcombe (1998), "Improved confidence intervals for the difference between
 * binomial proportions based on paired data", Statistics in Medicine 17(22):2635-2650, method 10.
 * Like the unpaired hybrid score interval it combines the Wilson intervals of the two marginal
 * proportions, but subtracts a covariance term built from the phi correlation of the pairs.
 */
import { assertConfidenceLevel, assertCount } from "./validate-inputs.ts";
import { wilsonInterval } from "./wilson-interval.ts";

/**
 * Counts of pairs: `both` had the event in both arms, `onlyA` only in arm A, `onlyB` only in arm
 * B, `neither` in neither arm. Returns bounds for pA - pB = (onlyA - onlyB) / n.
 */
export function pairedDifferenceInterval(
  both: number,
  onlyA: number,
  onlyB: number,
  neither: number,
  confidence = 0.95,
): [number, number] {
  assertCount("both", both);
  assertCount("onlyA", onlyA);
  assertCount("onlyB", onlyB);
  assertCount("neither", neither);
  assertConfidenceLevel(confidence);
  const pairs = both + onlyA + onlyB + neither;
  // Without pairs the difference is unconstrained by the data.
  if (pairs === 0) return [-1, 1];

  const eventsA = both + onlyA;
  const eventsB = both + onlyB;
  const pA = eventsA / pairs;
  const pB = eventsB / pairs;
  const [lowerA, upperA] = wilsonInterval(eventsA, pairs, confidence);
  const [lowerB, upperB] = wilsonInterval(eventsB, pairs, confidence);
  const phi = correctedPhi(both, onlyA, onlyB, neither);
  const difference = pA - pB;
  return [
    difference - correlatedDistance(pA - lowerA, upperB - pB, phi),
    difference + correlatedDistance(upperA - pA, pB - lowerB, phi),
  ];
}

/**
 * Newcombe's estimate of the correlation between the two arms' outcomes: the phi coefficient of
 * the 2x2 table, with ad - bc shrunk towards 0 by n/2 when positive (his continuity correction for
 * phi, which keeps a small positive correlation from narrowing the interval too much), and 0 when
 * a margin is empty (phi is then undefined).
 */
function correctedPhi(both: number, onlyA: number, onlyB: number, neither: number): number {
  const pairs = both + onlyA + onlyB + neither;
  const marginProduct = (both + onlyA) * (onlyB + neither) * (both + onlyB) * (onlyA + neither);
  if (marginProduct === 0) return 0;
  const crossProductDifference = both * neither - onlyA * onlyB;
  const corrected =
    crossProductDifference > 0
      ? Math.max(crossProductDifference - pairs / 2, 0)
      : crossProductDifference;
  return corrected / Math.sqrt(marginProduct);
}

/** sqrt(x^2 - 2 phi x y + y^2): the square-and-add distance with a covariance term. */
function correlatedDistance(x: number, y: number, phi: number): number {
  // With |phi| <= 1 the radicand is at least (x - y)^2 >= 0; clamp only the rounding residue.
  return Math.sqrt(Math.max(0, x * x - 2 * phi * x * y + y * y));
}
