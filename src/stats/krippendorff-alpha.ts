/**
 * Krippendorff's alpha for nominal labels, any number of raters, missing labels allowed:
 * K. Krippendorff (2004), Content Analysis: An Introduction to Its Methodology (2nd ed.), §11.3,
 * and "Computing Krippendorff's alpha-reliability" (2011).
 *
 * Each unit is one item's labels, one entry per rater, null where a rater gave none. Units with
 * fewer than two labels cannot be paired and are left out. From the coincidence matrix
 * o_ck = Σ_u (number of ordered pairs of labels c, k from different raters in unit u) / (m_u - 1),
 * with m_u the labels in unit u, n_c = Σ_k o_ck and n = Σ_c n_c (the pairable labels):
 *
 *   α = 1 - D_o / D_e = 1 - (n - 1) Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k
 *
 * Per unit, Σ_{c≠k} o_ck = (m_u² - Σ_c m_uc²) / (m_u - 1) with m_uc the unit's labels equal to c,
 * and Σ_{c≠k} n_c n_k = n² - Σ_c n_c², which is how it is computed here.
 *
 * The 95% interval is a percentile bootstrap over units: `bootstrapSamples` (default 1,000)
 * resamples of the pairable units with replacement, drawn by a seeded generator (mulberry32,
 * default seed 1) so the interval replays exactly; its bounds are the 2.5% and 97.5% quantiles of
 * the resampled alphas (linear interpolation). Resampling whole units keeps each item's labels
 * together. A resample whose labels are all one category has D_e = 0 and no alpha; such resamples
 * are left out of the quantiles.
 *
 * Degenerate inputs return NaN rather than throwing: with no pairable unit, or when every pairable
 * label is the same category (D_e = 0: no variation to agree on), alpha and the interval are NaN.
 */
import { percentileInterval } from "./percentile-interval.ts";
import { seededUniform } from "./seeded-uniform.ts";

export interface KrippendorffAlpha {
  alpha: number;
  /** 95% percentile-bootstrap interval over units. */
  ci: [number, number];
  /** Units with at least two labels, the only ones that enter alpha. */
  units: number;
  /** Labels in those units: n, the total of the coincidence matrix. */
  pairable: number;
}

export interface KrippendorffAlphaOptions {
  bootstrapSamples?: number;
  seed?: number;
}

/** One pairable unit, reduced to what alpha needs. */
interface UnitSummary {
  /** Category indexes present in the unit, and how many labels each got. */
  categories: number[];
  counts: number[];
  labels: number;
  /** Σ_{c≠k} o_ck contributed by this unit. */
  disagreement: number;
}

export function krippendorffAlpha(
  units: Array<Array<string | null>>,
  options: KrippendorffAlphaOptions = {},
): KrippendorffAlpha {
  const bootstrapSamples = options.bootstrapSamples ?? 1_000;
  const seed = options.seed ?? 1;
  if (!Number.isInteger(bootstrapSamples) || bootstrapSamples < 1) {
    throw new RangeError(`bootstrapSamples must be a positive integer, got ${bootstrapSamples}`);
  }
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);

  const { summaries, categoryCount } = summarizeUnits(units);
  const pairable = summaries.reduce((sum, summary) => sum + summary.labels, 0);
  const alpha = alphaOf(summaries, categoryCount);
  const ci: [number, number] = Number.isNaN(alpha)
    ? [Number.NaN, Number.NaN]
    : bootstrapInterval(summaries, categoryCount, bootstrapSamples, seed);
  return { alpha, ci, units: summaries.length, pairable };
}

function summarizeUnits(units: Array<Array<string | null>>) {
  const categories = new Map<string, number>();
  const summaries: UnitSummary[] = [];
  for (const unit of units) {
    const counts = new Map<number, number>();
    let labels = 0;
    for (const label of unit) {
      if (label === null) continue;
      let category = categories.get(label);
      if (category === undefined) {
        category = categories.size;
        categories.set(label, category);
      }
      counts.set(category, (counts.get(category) ?? 0) + 1);
      labels++;
    }
    if (labels < 2) continue;
    let sumOfSquares = 0;
    for (const count of counts.values()) sumOfSquares += count * count;
    summaries.push({
      categories: [...counts.keys()],
      counts: [...counts.values()],
      labels,
      disagreement: (labels * labels - sumOfSquares) / (labels - 1),
    });
  }
  return { summaries, categoryCount: categories.size };
}

/** Alpha of a multiset of units, given as summaries and (optionally) how often each is taken. */
function alphaOf(
  summaries: readonly UnitSummary[],
  categoryCount: number,
  multiplicities?: ArrayLike<number>,
): number {
  const categoryTotals = new Float64Array(categoryCount);
  let total = 0;
  let observedDisagreement = 0;
  summaries.forEach((summary, index) => {
    const times = multiplicities === undefined ? 1 : (multiplicities[index] as number);
    if (times === 0) return;
    total += times * summary.labels;
    observedDisagreement += times * summary.disagreement;
    summary.categories.forEach((category, position) => {
      categoryTotals[category] =
        (categoryTotals[category] as number) + times * (summary.counts[position] as number);
    });
  });
  let sumOfSquares = 0;
  for (const categoryTotal of categoryTotals) sumOfSquares += categoryTotal * categoryTotal;
  const expectedDisagreement = total * total - sumOfSquares;
  if (total < 2 || expectedDisagreement <= 0) return Number.NaN;
  return 1 - ((total - 1) * observedDisagreement) / expectedDisagreement;
}

function bootstrapInterval(
  summaries: readonly UnitSummary[],
  categoryCount: number,
  bootstrapSamples: number,
  seed: number,
): [number, number] {
  const uniform = seededUniform(seed);
  const multiplicities = new Uint32Array(summaries.length);
  const alphas: number[] = [];
  for (let sample = 0; sample < bootstrapSamples; sample++) {
    multiplicities.fill(0);
    for (let draw = 0; draw < summaries.length; draw++) {
      const unit = Math.floor(uniform() * summaries.length);
      multiplicities[unit] = (multiplicities[unit] as number) + 1;
    }
    const alpha = alphaOf(summaries, categoryCount, multiplicities);
    if (!Number.isNaN(alpha)) alphas.push(alpha);
  }
  if (alphas.length === 0) return [Number.NaN, Number.NaN];
  return percentileInterval(alphas);
}
