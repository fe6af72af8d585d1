import type { Arm } from "../spec/experiment.ts";
import {
  fisherExactTest,
  mcnemarExactTest,
  newcombeInterval,
  pairedDifferenceInterval,
} from "../stats/index.ts";
import type { Cell, Comparison, PAdjustment, Proportion } from "./analysis-types.ts";
import type { PairTable, PairTallies } from "./count-pairs.ts";
import { METRICS, type Metric } from "./outcome-metrics.ts";
import { adjustWithinFamilies } from "./test-families.ts";

/** The family of the contrast's comparisons at one follow-up: exactly the rows of its table. */
export function followupFamily(followup: number): string {
  return `followup-${followup}`;
}

/** The family of the natural − control comparisons at the intervention point. */
export const BASELINE_FAMILY = "baseline";

/**
 * Arm a minus arm b in every cell, follow-up and metric. Paired (exact McNemar, Newcombe's paired
 * interval) only when every sample's two trials shared generated turns before the intervention;
 * unpaired otherwise (Newcombe's hybrid score interval, Fisher's exact test), since arms whose
 * prefix is scripted share nothing but a seed. p-values are adjusted within each follow-up's rows.
 */
export function compareArms(
  cells: readonly Cell[],
  pairs: readonly PairTable[],
  [a, b]: readonly [Arm, Arm],
  adjustment: PAdjustment,
): Comparison[] {
  const cellsByKey = new Map(cells.map((cell) => [key(cell, cell.arm), cell]));
  const pairsByKey = new Map(pairs.map((table) => [key(table, a, table.metric), table]));
  const comparisons: Comparison[] = [];
  for (const cellA of cells.filter((cell) => cell.arm === a && cell.followup >= 1)) {
    const cellB = cellsByKey.get(key(cellA, b));
    if (!cellB) continue;
    for (const metric of METRICS) {
      const table = pairsByKey.get(key(cellA, a, metric));
      const family = followupFamily(cellA.followup);
      comparisons.push(
        table?.sharedGeneratedPrefix && pairCount(table) > 0
          ? pairedComparison(cellA, b, metric, table, family)
          : unpairedComparison(cellA, cellB, metric, family),
      );
    }
  }
  return adjustWithinFamilies(comparisons, adjustment);
}

/**
 * The paper's baseline contrast: the model's own reply to the harmful request (natural) against
 * its reply where the request was replaced by a neutral one (control), at the intervention point.
 * The two arms' conversations differ before that point, so the comparison is unpaired.
 */
export function baselineComparisons(cells: readonly Cell[], adjustment: PAdjustment): Comparison[] {
  const controls = new Map(
    cells.filter((cell) => cell.arm === "control").map((cell) => [key(cell, "control"), cell]),
  );
  const comparisons = cells
    .filter((cell) => cell.arm === "natural" && cell.followup === 0)
    .flatMap((natural) => {
      const control = controls.get(key(natural, "control"));
      return control
        ? METRICS.map((metric) => unpairedComparison(natural, control, metric, BASELINE_FAMILY))
        : [];
    });
  return adjustWithinFamilies(comparisons, adjustment);
}

function pairedComparison(
  cellA: Cell,
  b: Arm,
  metric: Metric,
  table: PairTable,
  family: string,
): Comparison {
  const pairs = pairCount(table);
  return {
    ...identity(cellA, b, metric),
    rate_a: (table.both + table.onlyA) / pairs,
    rate_b: (table.both + table.onlyB) / pairs,
    ...pairedDifference(table),
    pairs,
    p_adjusted: Number.NaN,
    method: "mcnemar-paired",
    family,
  };
}

function unpairedComparison(cellA: Cell, cellB: Cell, metric: Metric, family: string): Comparison {
  return {
    ...identity(cellA, cellB.arm, metric),
    rate_a: cellA[metric].rate,
    rate_b: cellB[metric].rate,
    ...unpairedDifference(cellA[metric], cellB[metric]),
    p_adjusted: Number.NaN,
    method: "newcombe-fisher",
    family,
  };
}

/** Rate of A minus rate of B over pairs: exact McNemar test, Newcombe's paired score interval. */
export function pairedDifference(table: PairTallies) {
  const n = pairCount(table);
  return {
    diff: (table.onlyA - table.onlyB) / n,
    ci: pairedDifferenceInterval(table.both, table.onlyA, table.onlyB, table.neither),
    p: mcnemarExactTest(table.onlyA, table.onlyB),
    n,
  };
}

/** Rate x minus rate y of independent samples: Newcombe's hybrid score interval, Fisher's test. */
export function unpairedDifference(x: Proportion, y: Proportion) {
  return {
    diff: x.rate === null || y.rate === null ? null : x.rate - y.rate,
    ci: newcombeInterval(x.k, x.n, y.k, y.n),
    p: fisherExactTest(x.k, x.n - x.k, y.k, y.n - y.k),
    n: [x.n, y.n] as [number, number],
  };
}

function identity(cellA: Cell, b: Arm, metric: Metric) {
  return {
    subject: cellA.subject,
    scenario: cellA.scenario,
    factors: cellA.factors,
    followup: cellA.followup,
    metric,
    a: cellA.arm,
    b,
  };
}

export function pairCount(table: PairTallies): number {
  return table.both + table.onlyA + table.onlyB + table.neither;
}

function key(
  cell: { subject: string; scenario: string; factors: Record<string, string>; followup: number },
  arm: Arm,
  metric = "",
): string {
  return JSON.stringify([cell.subject, cell.scenario, cell.factors, cell.followup, arm, metric]);
}
