/**
 * Unweighted Cohen's kappa for two raters on nominal labels: J. Cohen (1960), "A coefficient of
 * agreement for nominal scales", Educational and Psychological Measurement 20(1):37-46.
 *
 * With p_ij the share of items that rater 1 labelled i and rater 2 labelled j, p_i. and p_.j the
 * two raters' marginal shares, p_o = Σ p_ii and p_e = Σ p_i. p_.i:
 *
 *   κ = (p_o - p_e) / (1 - p_e)
 *
 * Two 95% intervals:
 *
 * - `ci`, the one to report: the equal-tailed interval of κ over the posterior of the cell
 *   probabilities, Dirichlet(n_ij + 1/K²) over the K × K table of the K labels that occur (a
 *   Bayesian bootstrap, D. B. Rubin (1981), "The Bayesian bootstrap", Annals of Statistics
 *   9(1):130-134, with the prior of W. Perks (1947), "Some observations on inverse probability
 *   including a new indifference rule", Journal of the Institute of Actuaries 73(2):285-334:
 *   1/m per cell for m cells, one observation's worth in all, the overall objective prior that
 *   J. O. Berger, J. M. Bernardo & D. Sun (2015), "Overall objective priors", Bayesian Analysis
 *   10(1):189-221, recommend for a multinomial). 2,000 draws by default (seeded, mulberry32 with
 *   seed 1); each draws the K² cells as independent Gamma(n_ij + 1/K²) variables, normalises
 *   them and computes κ. The interval is widened if needed to contain the estimate (at perfect
 *   observed agreement every draw is below 1).
 *
 *   Why not the percentile bootstrap that resamples items: with high agreement and few items it
 *   fails where the Wald interval fails. At κ = 0.9 (two balanced labels, 5% disagreement) and
 *   n = 20, a third of samples show perfect agreement, every resample of them has κ = 1, and in
 *   our simulations (__fixtures__/kappa-interval-coverage.py) the percentile bootstrap covered
 *   0.64, BCa 0.63 and the Wald interval 0.65. The posterior interval gives the unseen
 *   disagreement cells some mass and covered 0.96 there, and 0.93-0.97 in every other setting we
 *   tried (κ from 0 to 0.94, 2 to 4 labels, 20 to 200 items). Jeffreys' ½ per cell covered as
 *   well with two labels but put too much mass off the diagonal with three or four labels and
 *   few items (0.42-0.91), hence Perks' prior.
 * - `waldCi`: κ ± z₀.₉₇₅ · SE, clamped to [-1, 1], with the large-sample (non-null) variance of
 *   J. L. Fleiss, J. Cohen & B. S. Everitt (1969), "Large sample standard errors of kappa and
 *   weighted kappa", Psychological Bulletin 72(5):323-327:
 *
 *     Var(κ) = [ Σ_i p_ii ((1 - p_e) - (p_i. + p_.i)(1 - p_o))²
 *              + (1 - p_o)² Σ_{i≠j} p_ij (p_.i + p_j.)²
 *              - (p_o p_e - 2 p_e + p_o)² ] / (n (1 - p_e)⁴)
 *
 *   It has width 0 at perfect agreement (κ = 1) and when both raters are constant on different
 *   labels (κ = 0); it is a large-sample approximation and optimistic for small n.
 *
 * Degenerate inputs return NaN rather than throwing (labels may come from model output):
 * - no pairs: κ, p_o, p_e and both intervals are NaN (nothing was rated);
 * - p_e = 1, i.e. both raters gave every item the same single label: κ = 0/0 is undefined (chance
 *   alone predicts the perfect agreement seen), so κ and the intervals are NaN while
 *   observedAgreement = expectedAgreement = 1 are reported as they are.
 */
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import { drawGamma } from "./draw-gamma.ts";
import { percentileInterval } from "./percentile-interval.ts";
import { seededUniform } from "./seeded-uniform.ts";
import { assertCount } from "./validate-inputs.ts";

export interface CohenKappa {
  kappa: number;
  /** 95% posterior (Bayesian bootstrap, Perks prior) interval; see the file comment. */
  ci: [number, number];
  /** 95% Wald interval from the Fleiss-Cohen-Everitt standard error, clamped to [-1, 1]. */
  waldCi: [number, number];
  n: number;
  observedAgreement: number;
  expectedAgreement: number;
}

export interface CohenKappaOptions {
  /** Posterior draws behind `ci`; 2,000 unless given. */
  draws?: number;
  seed?: number;
}

/**
 * `pairs` holds [rater 1's label, rater 2's label] per item. `categories`, when given, must list
 * every label used (a RangeError names the first that is not); unused categories change neither
 * unweighted kappa nor its intervals. `options` sets the posterior draws and their seed.
 */
export function cohenKappa(
  pairs: Array<[string, string]>,
  categories?: string[],
  options: CohenKappaOptions = {},
): CohenKappa {
  const draws = options.draws ?? 2_000;
  const seed = options.seed ?? 1;
  assertCount("draws", draws);
  if (draws < 1) throw new RangeError("draws must be at least 1");
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const { table, labels } = contingencyTable(pairs, categories);
  const n = pairs.length;
  if (n === 0) return undefinedKappa(n, Number.NaN, Number.NaN);
  const { observed, expected } = agreements(table, n);
  if (expected >= 1) return undefinedKappa(n, observed, expected);

  const kappa = (observed - expected) / (1 - expected);
  // At perfect agreement the variance is exactly 0; the formula would leave rounding residue whose
  // square root (~1e-8) is visible.
  const standardError =
    observed === 1 ? 0 : Math.sqrt(fleissCohenEverittVariance(table, n, observed, expected));
  const z = normalQuantile(0.975, 0, 1);
  const [lower, upper] = posteriorInterval(canonicalCounts(table, labels), draws, seed);
  return {
    kappa,
    ci: [Math.min(lower, kappa), Math.max(upper, kappa)],
    waldCi: [Math.max(-1, kappa - z * standardError), Math.min(1, kappa + z * standardError)],
    n,
    observedAgreement: observed,
    expectedAgreement: expected,
  };
}

function undefinedKappa(n: number, observed: number, expected: number): CohenKappa {
  return {
    kappa: Number.NaN,
    ci: [Number.NaN, Number.NaN],
    waldCi: [Number.NaN, Number.NaN],
    n,
    observedAgreement: observed,
    expectedAgreement: expected,
  };
}

/**
 * The counts of the labels that occur, in an order that does not depend on how the categories
 * were listed or the pairs ordered (labels sorted by code unit), nor on which rater is first (of
 * the table and its transpose, the one whose row-major counts come first lexicographically; κ is
 * the same for both). So the posterior draws, and the interval, are exactly the same for the same
 * data however it is presented.
 */
function canonicalCounts(table: number[][], labels: string[]): number[][] {
  const { rowCounts, columnCounts } = marginalCounts(table);
  const used = labels
    .map((label, index) => ({ label, index }))
    .filter(({ index }) => (rowCounts[index] as number) + (columnCounts[index] as number) > 0)
    .sort((first, second) => (first.label < second.label ? -1 : first.label > second.label ? 1 : 0))
    .map(({ index }) => index);
  const counts = used.map((i) => used.map((j) => (table[i] as number[])[j] as number));
  const transposed = counts.map((row, i) =>
    row.map((_, j) => (counts[j] as number[])[i] as number),
  );
  const flat = counts.flat();
  const flatTransposed = transposed.flat();
  const difference = flat.findIndex((count, index) => count !== flatTransposed[index]);
  return difference >= 0 && (flatTransposed[difference] as number) < (flat[difference] as number)
    ? transposed
    : counts;
}

/**
 * Percentile interval of κ over Dirichlet(n_ij + 1/K²) draws of the cell probabilities of a K × K
 * table of the labels that occur (listed but unused categories change nothing else, so they do
 * not change this either).
 */
function posteriorInterval(counts: number[][], draws: number, seed: number): [number, number] {
  const prior = 1 / (counts.length * counts.length);
  const uniform = seededUniform(seed);
  const kappas: number[] = [];
  for (let draw = 0; draw < draws; draw++) {
    const cells = counts.map((row) => row.map((count) => drawGamma(uniform, count + prior)));
    const kappa = kappaOfCells(cells);
    if (!Number.isNaN(kappa)) kappas.push(kappa);
  }
  return percentileInterval(kappas);
}

/** κ of a table of non-negative weights (normalised here). */
function kappaOfCells(cells: number[][]): number {
  const total = cells.reduce((sum, row) => sum + row.reduce((rowSum, cell) => rowSum + cell, 0), 0);
  const { rowCounts, columnCounts } = marginalCounts(cells);
  const observed = cells.reduce((sum, row, index) => sum + (row[index] as number), 0) / total;
  const expected =
    rowCounts.reduce((sum, row, index) => sum + row * (columnCounts[index] as number), 0) /
    (total * total);
  return (observed - expected) / (1 - expected);
}

/**
 * p_o and p_e from the integer counts, so perfect agreement gives exactly 1 and two raters
 * constant on one label give an expected agreement of exactly 1.
 */
function agreements(table: number[][], n: number) {
  const { rowCounts, columnCounts } = marginalCounts(table);
  const agreeing = table.reduce((sum, row, index) => sum + (row[index] as number), 0);
  const chance = rowCounts.reduce(
    (sum, rowCount, index) => sum + rowCount * (columnCounts[index] as number),
    0,
  );
  return { observed: agreeing / n, expected: chance / (n * n) };
}

function marginalCounts(table: number[][]) {
  const rowCounts = table.map((row) => row.reduce((sum, count) => sum + count, 0));
  const columnCounts = table.map((_, column) =>
    table.reduce((sum, row) => sum + (row[column] as number), 0),
  );
  return { rowCounts, columnCounts };
}

function contingencyTable(
  pairs: Array<[string, string]>,
  categories?: string[],
): { table: number[][]; labels: string[] } {
  const index = new Map<string, number>();
  if (categories !== undefined) {
    for (const category of categories) {
      if (index.has(category)) throw new RangeError(`category "${category}" is listed twice`);
      index.set(category, index.size);
    }
  }
  const coded = pairs.map(([first, second]) => [codeOf(first), codeOf(second)] as const);
  const table = Array.from({ length: index.size }, () => new Array<number>(index.size).fill(0));
  for (const [first, second] of coded) {
    (table[first] as number[])[second] = ((table[first] as number[])[second] as number) + 1;
  }
  return { table, labels: [...index.keys()] };

  function codeOf(label: string): number {
    const known = index.get(label);
    if (known !== undefined) return known;
    if (categories !== undefined) {
      throw new RangeError(`label "${label}" is not one of the listed categories`);
    }
    index.set(label, index.size);
    return index.size - 1;
  }
}

function fleissCohenEverittVariance(
  table: number[][],
  n: number,
  observed: number,
  expected: number,
): number {
  const { rowCounts, columnCounts } = marginalCounts(table);
  const rowShares = rowCounts.map((count) => count / n);
  const columnShares = columnCounts.map((count) => count / n);
  const cells = table.map((row) => row.map((count) => count / n));
  let diagonal = 0;
  let offDiagonal = 0;
  cells.forEach((row, i) => {
    row.forEach((share, j) => {
      if (i === j) {
        const marginals = (rowShares[i] as number) + (columnShares[i] as number);
        diagonal += share * (1 - expected - marginals * (1 - observed)) ** 2;
      } else {
        offDiagonal += share * ((columnShares[i] as number) + (rowShares[j] as number)) ** 2;
      }
    });
  });
  const correction = (observed * expected - 2 * expected + observed) ** 2;
  const numerator = diagonal + (1 - observed) ** 2 * offDiagonal - correction;
  // Rounding can leave a tiny negative numerator where the variance is exactly 0.
  return Math.max(0, numerator) / (n * (1 - expected) ** 4);
}
