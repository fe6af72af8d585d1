/**
 * Two-sided Fisher's exact test for a 2x2 table (R. A. Fisher, 1935, "The Design of
 * Experiments"): the probability, under the hypergeometric null with both margins fixed, of all
 * tables at most as probable as the observed one.
 */
import hypergeometricPmf from "@stdlib/stats-base-dists-hypergeometric-pmf";
import { assertCount } from "./validate-inputs.ts";

// Tables that are mathematically as probable as the observed one can come out a few ulps more
// probable in floating point; without this slack they would be wrongly left out (R uses 1 + 1e-7).
const RELATIVE_TOLERANCE = 1 + 1e-7;

/** p-value for the table [[a, b], [c, d]]. */
export function fisherExactTest(a: number, b: number, c: number, d: number): number {
  assertCount("a", a);
  assertCount("b", b);
  assertCount("c", c);
  assertCount("d", d);

  const total = a + b + c + d;
  const firstRowTotal = a + b;
  const firstColumnTotal = a + c;
  const tableProbability = (topLeft: number) =>
    hypergeometricPmf(topLeft, total, firstColumnTotal, firstRowTotal);

  const threshold = tableProbability(a) * RELATIVE_TOLERANCE;
  const smallestTopLeft = Math.max(0, firstRowTotal + firstColumnTotal - total);
  const largestTopLeft = Math.min(firstRowTotal, firstColumnTotal);
  let pValue = 0;
  for (let topLeft = smallestTopLeft; topLeft <= largestTopLeft; topLeft++) {
    const probability = tableProbability(topLeft);
    if (probability <= threshold) pValue += probability;
  }
  return Math.min(pValue, 1);
}
