/**
 * Multiple-comparison adjustments of p-values.
 *
 * - Holm: S. Holm (1979), "A simple sequentially rejective multiple test procedure", Scandinavian
 *   Journal of Statistics 6(2):65-70. Controls the family-wise error rate under any dependence.
 * - Benjamini-Hochberg: Y. Benjamini and Y. Hochberg (1995), "Controlling the false discovery
 *   rate", JRSS B 57(1):289-300. Controls the false discovery rate for independent or positively
 *   dependent tests.
 *
 * Both return adjusted p-values in the input order: reject a hypothesis at level alpha when its
 * adjusted p-value is at most alpha. Adjusted values are monotone in the raw ones and capped at 1.
 *
 * Missing values: a NaN entry (a comparison that could not be tested) is left out of the family,
 * so it does not count towards the number of tests, and comes back as NaN in its place, as R's
 * p.adjust does with NA. Anything else outside [0, 1], including undefined from a sparse array or
 * an untyped caller, throws a RangeError: treating it as missing would hide a bug upstream.
 */

export function holmAdjust(pValues: readonly number[]): number[] {
  return adjustPresent(pValues, (sortedPValues) => {
    const familySize = sortedPValues.length;
    const adjusted: number[] = [];
    let runningMaximum = 0;
    for (const [rank, pValue] of sortedPValues.entries()) {
      // The step-down procedure rejects in order, so an adjusted value can never fall below that of
      // a smaller p-value.
      runningMaximum = Math.max(runningMaximum, Math.min(1, (familySize - rank) * pValue));
      adjusted.push(runningMaximum);
    }
    return adjusted;
  });
}

export function benjaminiHochbergAdjust(pValues: readonly number[]): number[] {
  return adjustPresent(pValues, (sortedPValues) => {
    const familySize = sortedPValues.length;
    const adjusted: number[] = new Array(familySize);
    let runningMinimum = 1;
    for (let rank = familySize - 1; rank >= 0; rank--) {
      const pValue = sortedPValues[rank] ?? Number.NaN;
      // The step-up procedure rejects everything below the largest rank that passes, so each value
      // is the smallest threshold among itself and all larger p-values.
      runningMinimum = Math.min(runningMinimum, (familySize / (rank + 1)) * pValue);
      adjusted[rank] = runningMinimum;
    }
    return adjusted;
  });
}

/** Sorts the present p-values, adjusts them as one family, and puts them back in input order. */
function adjustPresent(
  pValues: readonly number[],
  adjustSorted: (sortedPValues: number[]) => number[],
): number[] {
  const present: { index: number; pValue: number }[] = [];
  const result: number[] = [];
  for (const [index, pValue] of pValues.entries()) {
    assertPValueOrMissing(index, pValue);
    result.push(Number.NaN);
    if (!Number.isNaN(pValue)) present.push({ index, pValue });
  }
  // Array.prototype.sort is stable, so ties keep their input order (they get equal adjusted values
  // either way).
  present.sort((first, second) => first.pValue - second.pValue);
  const adjusted = adjustSorted(present.map(({ pValue }) => pValue));
  for (const [rank, { index }] of present.entries()) {
    result[index] = adjusted[rank] ?? Number.NaN;
  }
  return result;
}

function assertPValueOrMissing(index: number, pValue: number | undefined): void {
  if (typeof pValue !== "number" || (!Number.isNaN(pValue) && !(pValue >= 0 && pValue <= 1))) {
    throw new RangeError(`pValues[${index}] must be in [0, 1] or NaN, got ${pValue}`);
  }
}
