/**
 * Treatment-coded design matrix from categorical factors: an intercept, one 0/1 indicator per
 * non-baseline level of each factor, and for each requested interaction the products of the two
 * factors' indicators. Coefficients are then log odds ratios against the baseline level.
 */

export const INTERCEPT = "intercept";

export interface DesignMatrixOptions {
  /** Baseline (reference) level per factor; default: the factor's first level in sorted order. */
  baseline?: Record<string, string>;
  /** Pairs of factors (each also in `factors`) whose non-baseline levels get product columns. */
  interactions?: Array<[string, string]>;
}

export interface DesignMatrix {
  /** `intercept`, then `factor=level` per factor, then `first=level:second=level`. */
  featureNames: string[];
  /** One row of 0/1 values per record, in the order of `featureNames`. */
  features: number[][];
  /** The baseline level used for each factor. */
  baselines: Record<string, string>;
}

interface Indicator {
  name: string;
  factor: string;
  level: string;
}

export function designMatrix(
  records: Array<Record<string, string>>,
  factors: string[],
  options: DesignMatrixOptions = {},
): DesignMatrix {
  assertDistinct(factors);
  const levels = new Map(factors.map((factor) => [factor, levelsOf(records, factor)]));
  const baselines = chooseBaselines(levels, options.baseline ?? {});
  const mainEffects = factors.flatMap((factor) =>
    (levels.get(factor) ?? [])
      .filter((level) => level !== baselines[factor])
      .map((level) => ({ name: `${factor}=${level}`, factor, level })),
  );
  const interactions = (options.interactions ?? []).map(([first, second]) => {
    assertInteraction(first, second, levels);
    return { first, second };
  });

  const featureNames = [INTERCEPT, ...mainEffects.map((indicator) => indicator.name)];
  for (const { first, second } of interactions) {
    for (const [left, right] of interactionPairs(mainEffects, first, second)) {
      featureNames.push(`${left.name}:${right.name}`);
    }
  }

  const features = records.map((record) => {
    const row = [1, ...mainEffects.map((indicator) => indicatorValue(record, indicator))];
    for (const { first, second } of interactions) {
      for (const [left, right] of interactionPairs(mainEffects, first, second)) {
        row.push(indicatorValue(record, left) * indicatorValue(record, right));
      }
    }
    return row;
  });
  return { featureNames, features, baselines };
}

function levelsOf(records: Array<Record<string, string>>, factor: string): string[] {
  const levels = new Set<string>();
  records.forEach((record, index) => {
    const level = record[factor];
    if (typeof level !== "string") {
      throw new RangeError(`records[${index}] has no level for factor "${factor}"`);
    }
    levels.add(level);
  });
  return [...levels].sort((left, right) => (left < right ? -1 : left > right ? 1 : 0));
}

function chooseBaselines(
  levels: Map<string, string[]>,
  requested: Record<string, string>,
): Record<string, string> {
  for (const factor of Object.keys(requested)) {
    if (!levels.has(factor)) {
      throw new RangeError(`baseline given for "${factor}", which is not one of the factors`);
    }
  }
  const baselines: Record<string, string> = {};
  for (const [factor, factorLevels] of levels) {
    const baseline = requested[factor] ?? factorLevels[0];
    if (baseline === undefined) continue; // no records at all
    if (!factorLevels.includes(baseline)) {
      throw new RangeError(
        `baseline "${baseline}" of factor "${factor}" does not occur; levels: ${factorLevels.join(", ")}`,
      );
    }
    baselines[factor] = baseline;
  }
  return baselines;
}

function assertDistinct(factors: string[]): void {
  const seen = new Set<string>();
  for (const factor of factors) {
    if (seen.has(factor)) throw new RangeError(`factor "${factor}" is listed twice`);
    seen.add(factor);
  }
}

function assertInteraction(first: string, second: string, levels: Map<string, string[]>): void {
  for (const factor of [first, second]) {
    if (!levels.has(factor)) {
      throw new RangeError(
        `interaction ${first}:${second} names "${factor}", not one of the factors`,
      );
    }
  }
  if (first === second) throw new RangeError(`interaction ${first}:${second} repeats one factor`);
}

function interactionPairs(
  mainEffects: Indicator[],
  first: string,
  second: string,
): Array<[Indicator, Indicator]> {
  const lefts = mainEffects.filter((indicator) => indicator.factor === first);
  const rights = mainEffects.filter((indicator) => indicator.factor === second);
  return lefts.flatMap((left) => rights.map((right): [Indicator, Indicator] => [left, right]));
}

function indicatorValue(record: Record<string, string>, indicator: Indicator): number {
  return record[indicator.factor] === indicator.level ? 1 : 0;
}
