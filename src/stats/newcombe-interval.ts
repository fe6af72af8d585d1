/**
 * Newcombe's hybrid score interval for the difference p1 - p2 of two independent proportions,
 * combining the two Wilson intervals (method 10 in R. G. Newcombe (1998), "Interval estimation
 * for the difference between independent proportions: comparison of eleven methods",
 * Statistics in Medicine 17(8):873-890).
 */
import { assertConfidenceLevel, assertProportionCounts } from "./validate-inputs.ts";
import { wilsonInterval } from "./wilson-interval.ts";

export function newcombeInterval(
  successes1: number,
  trials1: number,
  successes2: number,
  trials2: number,
  confidence = 0.95,
): [number, number] {
  assertProportionCounts(successes1, trials1, "group 1");
  assertProportionCounts(successes2, trials2, "group 2");
  assertConfidenceLevel(confidence);
  // With an empty group the difference is unconstrained by the data.
  if (trials1 === 0 || trials2 === 0) return [-1, 1];

  const p1 = successes1 / trials1;
  const p2 = successes2 / trials2;
  const [lower1, upper1] = wilsonInterval(successes1, trials1, confidence);
  const [lower2, upper2] = wilsonInterval(successes2, trials2, confidence);
  const difference = p1 - p2;
  return [
    difference - Math.hypot(p1 - lower1, upper2 - p2),
    difference + Math.hypot(upper1 - p1, p2 - lower2),
  ];
}
