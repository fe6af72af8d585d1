/**
 * Percentile interval of a bootstrap distribution: the (1 - confidence) / 2 and (1 + confidence) / 2
 * sample quantiles, each by linear interpolation between order statistics (Hyndman & Fan (1996)
 * type 7, numpy's and R's default). `values` need not be sorted; it is not modified.
 */
export function percentileInterval(values: readonly number[], confidence = 0.95): [number, number] {
  const sorted = [...values].sort((left, right) => left - right);
  return [
    sampleQuantile(sorted, (1 - confidence) / 2),
    sampleQuantile(sorted, (1 + confidence) / 2),
  ];
}

/** Type-7 quantile of an ascending array; NaN for an empty one. */
export function sampleQuantile(sorted: readonly number[], probability: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * probability;
  const below = Math.floor(position);
  const lower = sorted[below] as number;
  const upper = sorted[Math.min(below + 1, sorted.length - 1)] as number;
  return lower + (position - below) * (upper - lower);
}
