/**
 * Wilson score interval for a binomial proportion: E. B. Wilson (1927), "Probable inference, the
 * law of succession, and statistical inference", JASA 22(158):209-212.
 */
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import { assertConfidenceLevel, assertProportionCounts } from "./validate-inputs.ts";

export function wilsonInterval(
  successes: number,
  trials: number,
  confidence = 0.95,
): [number, number] {
  assertProportionCounts(successes, trials);
  assertConfidenceLevel(confidence);
  if (trials === 0) return [0, 1];

  const z = twoSidedCriticalValue(confidence);
  const zSquared = z * z;
  const denominator = trials + zSquared;
  const center = (successes + zSquared / 2) / denominator;
  const halfWidth =
    (z / denominator) * Math.sqrt((successes * (trials - successes)) / trials + zSquared / 4);

  // At k = 0 and k = n the bounds are exactly 0 and 1; the formula would leave rounding residue
  // (possibly just outside [0, 1]).
  const lower = successes === 0 ? 0 : center - halfWidth;
  const upper = successes === trials ? 1 : center + halfWidth;
  return [lower, upper];
}

function twoSidedCriticalValue(confidence: number): number {
  return normalQuantile(0.5 + confidence / 2, 0, 1);
}
