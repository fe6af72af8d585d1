import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";

/** An arm against the baseline arm on the probability scale, averaged over the other factors. */
export interface MarginalEffect {
  arm: string;
  baseline_arm: string;
  /** Mean over the other factors' level combinations of P(outcome | arm) − P(outcome | baseline). */
  difference: number;
  /** 95%, delta method with the model's (cluster-robust) covariance. */
  ci: [number, number];
  averaged_over: string[];
}

export interface MarginalEffectInput {
  arm: string;
  baselineArm: string;
  averagedOver: string[];
  /** The fitted coefficients and their covariance, in design-column order. */
  estimates: readonly number[];
  covariance: readonly (readonly number[])[];
  /** Design rows of every level combination, once per arm, combinations in the same order. */
  rows: readonly (readonly number[])[];
  armOf: readonly string[];
}

const Z_95 = normalQuantile(0.975, 0, 1);

/**
 * The average marginal effect of a categorical arm: predicted probabilities with the arm set to
 * `arm` and to the baseline, at each combination of the other factors' levels, differenced and
 * averaged with equal weights. With interactions, this is the arm effect "averaged over the other
 * factors", where a main-effect odds ratio is the effect at their baselines. The interval is the
 * delta method: the gradient g of the average with respect to the coefficients, Var = g'Vg.
 */
export function averageMarginalEffect(input: MarginalEffectInput): MarginalEffect {
  const treated = input.rows.filter((_, index) => input.armOf[index] === input.arm);
  const untreated = input.rows.filter((_, index) => input.armOf[index] === input.baselineArm);
  const size = input.estimates.length;
  const gradient = new Array<number>(size).fill(0);
  let difference = 0;
  treated.forEach((row, index) => {
    const other = untreated[index] ?? row;
    const pTreated = logistic(dot(row, input.estimates));
    const pUntreated = logistic(dot(other, input.estimates));
    difference += pTreated - pUntreated;
    for (let column = 0; column < size; column++) {
      gradient[column] =
        (gradient[column] ?? 0) +
        pTreated * (1 - pTreated) * (row[column] ?? 0) -
        pUntreated * (1 - pUntreated) * (other[column] ?? 0);
    }
  });
  const count = Math.max(1, treated.length);
  difference /= count;
  const scaled = gradient.map((value) => value / count);
  const variance = scaled.reduce(
    (sum, left, i) =>
      sum +
      scaled.reduce((inner, right, j) => inner + left * (input.covariance[i]?.[j] ?? 0) * right, 0),
    0,
  );
  const halfWidth = Z_95 * Math.sqrt(Math.max(0, variance));
  return {
    arm: input.arm,
    baseline_arm: input.baselineArm,
    difference,
    ci: [difference - halfWidth, difference + halfWidth],
    averaged_over: input.averagedOver,
  };
}

function dot(row: readonly number[], estimates: readonly number[]): number {
  return row.reduce((sum, value, index) => sum + value * (estimates[index] ?? 0), 0);
}

function logistic(eta: number): number {
  return eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));
}
