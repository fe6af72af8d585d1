/**
 * Unweighted Cohen's kappa for two raters on nominal labels: J. Cohen (1960), "A coefficient of
 * agreement for nominal scales", Educational and Psychological Measurement 20(1):37-46.
 *
 * With p_ij the share of items that rater 1 labelled i and rater 2 labelled j, p_i. and p_.j the
 * two raters' marginal shares, p_o = Σ p_ii and p_e = Σ p_i. p_.i:
 *
 *   κ = (p_o - p_e) / (1 - p_e)
 *
 * The 95% interval is κ ± z₀.₉₇₅ · SE, clamped to [-1, 1], with the large-sample (non-null)
 * variance of J. L. Fleiss, J. Cohen & B. S. Everitt (1969), "Large sample standard errors of
 * kappa and weighted kappa", Psychological Bulletin 72(5):323-327:
 *
 *   Var(κ) = [ Σ_i p_ii ((1 - p_e) - (p_i. + p_.i)(1 - p_o))²
 *            + (1 - p_o)² Σ_{i≠j} p_ij (p_.i + p_j.)²
 *            - (p_o p_e - 2 p_e + p_o)² ] / (n (1 - p_e)⁴)
 *
 * This Wald interval has width 0 at perfect agreement (κ = 1) and when both raters are constant on
 * different labels (κ = 0); it is a large-sample approximation and optimistic for small n.
 *
 * Degenerate inputs return NaN rather than throwing (labels may come from model output):
 * - no pairs: κ, p_o, p_e and the interval are NaN (nothing was rated);
 * - p_e = 1, i.e. both raters gave every item the same single label: κ = 0/0 is undefined (chance
 *   alone predicts the perfect agreement seen), so κ and the interval are NaN while
 *   observedAgreement = expectedAgreement = 1 are reported as they are.
 */
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";

export interface CohenKappa {
  kappa: number;
  /** 95% Wald interval from the Fleiss-Cohen-Everitt standard error, clamped to [-1, 1]. */
  ci: [number, number];
  n: number;
  observedAgreement: number;
  expectedAgreement: number;
}

/**
 * `pairs` holds [rater 1's label, rater 2's label] per item. `categories`, when given, must list
 * every label used (a RangeError names the first that is not); unused categories do not change
 * unweighted kappa.
 */
export function cohenKappa(pairs: Array<[string, string]>, categories?: string[]): CohenKappa {
  const table = contingencyTable(pairs, categories);
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
  return {
    kappa,
    ci: [Math.max(-1, kappa - z * standardError), Math.min(1, kappa + z * standardError)],
    n,
    observedAgreement: observed,
    expectedAgreement: expected,
  };
}

function undefinedKappa(n: number, observed: number, expected: number): CohenKappa {
  return {
    kappa: Number.NaN,
    ci: [Number.NaN, Number.NaN],
    n,
    observedAgreement: observed,
    expectedAgreement: expected,
  };
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

function contingencyTable(pairs: Array<[string, string]>, categories?: string[]): number[][] {
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
  return table;

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
