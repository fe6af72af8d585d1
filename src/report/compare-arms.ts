import type { Arm } from "../spec/experiment.ts";
import {
  benjaminiHochbergAdjust,
  fisherExactTest,
  holmAdjust,
  mcnemarExactTest,
  newcombeInterval,
  pairedDifferenceInterval,
} from "../stats/index.ts";
import {
  type Cell,
  type Comparison,
  METRICS,
  type Metric,
  type PAdjustment,
  type Proportion,
} from "./analyze-run.ts";
import type { PairTable, PairTallies } from "./count-pairs.ts";

/**
 * Arm a minus arm b in every cell, follow-up and metric. Paired (exact McNemar, Newcombe's paired
 * interval) when every sample's two trials shared the conversation up to the intervention;
 * unpaired (Newcombe's interval, Fisher's exact test) otherwise. p-values are then adjusted
 * across all comparisons together.
 */
export function compareArms(
  cells: readonly Cell[],
  pairs: readonly PairTable[],
  a: Arm,
  b: Arm,
  adjustment: PAdjustment,
): Comparison[] {
  const cellsByKey = new Map(cells.map((cell) => [key(cell, cell.arm), cell]));
  const pairsByKey = new Map(pairs.map((table) => [key(table, a, table.metric), table]));
  const comparisons: Comparison[] = [];
  for (const cellA of cells.filter((cell) => cell.arm === a)) {
    const cellB = cellsByKey.get(key(cellA, b));
    if (!cellB) continue;
    for (const metric of METRICS) {
      const table = pairsByKey.get(key(cellA, a, metric));
      comparisons.push(
        table?.samePrefix && pairCount(table) > 0
          ? pairedComparison(cellA, b, metric, table)
          : unpairedComparison(cellA, cellB, metric),
      );
    }
  }
  const adjusted = (adjustment === "holm" ? holmAdjust : benjaminiHochbergAdjust)(
    comparisons.map((comparison) => comparison.p),
  );
  return comparisons.map((comparison, index) => ({
    ...comparison,
    p_adjusted: adjusted[index] ?? comparison.p,
  }));
}

function pairedComparison(cellA: Cell, b: Arm, metric: Metric, table: PairTable): Comparison {
  return {
    ...identity(cellA, b, metric),
    ...pairedDifference(table),
    p_adjusted: Number.NaN,
    method: "mcnemar-paired",
  };
}

function unpairedComparison(cellA: Cell, cellB: Cell, metric: Metric): Comparison {
  return {
    ...identity(cellA, cellB.arm, metric),
    ...unpairedDifference(cellA[metric], cellB[metric]),
    p_adjusted: Number.NaN,
    method: "newcombe-fisher",
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
