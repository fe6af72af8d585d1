/**
 * A judge's accuracy against human labels taken as the truth: sensitivity = P(judge says yes |
 * truth is yes) and specificity = P(judge says no | truth is no), each with a 95% Wilson interval.
 *
 * With no true positives (or no true negatives) in `pairs` the matching value is NaN (nothing to
 * estimate it from) and its interval is [0, 1], as wilsonInterval gives for zero trials.
 */
import { wilsonInterval } from "./wilson-interval.ts";

export interface ProportionEstimate {
  value: number;
  ci: [number, number];
  /** Successes: correct judgements. */
  k: number;
  /** Trials: labels with that truth. */
  n: number;
}

export interface DiagnosticAccuracy {
  n: number;
  sensitivity: ProportionEstimate;
  specificity: ProportionEstimate;
}

export function diagnosticAccuracy(
  pairs: Array<{ judge: boolean; truth: boolean }>,
): DiagnosticAccuracy {
  let truePositives = 0;
  let positives = 0;
  let trueNegatives = 0;
  let negatives = 0;
  for (const { judge, truth } of pairs) {
    if (truth) {
      positives++;
      if (judge) truePositives++;
    } else {
      negatives++;
      if (!judge) trueNegatives++;
    }
  }
  return {
    n: pairs.length,
    sensitivity: proportionEstimate(truePositives, positives),
    specificity: proportionEstimate(trueNegatives, negatives),
  };
}

function proportionEstimate(k: number, n: number): ProportionEstimate {
  return { value: n === 0 ? Number.NaN : k / n, ci: wilsonInterval(k, n), k, n };
}
