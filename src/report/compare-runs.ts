import type Database from "better-sqlite3";
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
  METRICS,
  type Metric,
  outcomeCells,
  type PAdjustment,
  type Proportion,
} from "./analyze-run.ts";
import { metricLabels, type PairedLabels } from "./count-pairs.ts";

/** One side of a comparison: a run's verdict set, restricted to one subject. */
export interface ComparedSide {
  database: Database.Database;
  /** The run directory, resolved: two sides in one directory compare the same turns. */
  directory: string;
  verdictSet: string;
  subject: string;
}

export interface RunComparisonRow {
  scenario: string;
  factors: Record<string, string>;
  arm: Arm;
  followup: number;
  metric: Metric;
  a: Proportion | null;
  b: Proportion | null;
  /** Rate of B minus rate of A; null when either side lacks the cell or decided nothing. */
  diff: number | null;
  ci: [number, number] | null;
  p: number | null;
  p_adjusted: number | null;
  /** Paired on the same turns when both sides judge one run's subject; unpaired otherwise. */
  method: "mcnemar-paired" | "newcombe-fisher" | null;
  n: number | [number, number] | null;
}

/**
 * B minus A in every cell the two sides share (scenario × factor levels × arm × follow-up) and
 * every metric. Two verdict sets of one run and subject judge the very same turns, so their
 * comparison is paired (exact McNemar, Newcombe's paired interval); two runs are independent
 * samples (Newcombe's interval, Fisher's exact test). Cells only one side has are listed untested.
 */
export function compareRuns(
  a: ComparedSide,
  b: ComparedSide,
  adjustment: PAdjustment = "holm",
): { paired: boolean; rows: RunComparisonRow[] } {
  const paired = a.directory === b.directory && a.subject === b.subject;
  const cellsA = subjectCells(a);
  const cellsB = subjectCells(b);
  const pairs = paired ? pairTables(a, b) : new Map<string, PairTallies>();
  const keys = [...new Set([...cellsA.keys(), ...cellsB.keys()])];
  const rows = keys.flatMap((key) =>
    METRICS.map((metric) =>
      compareCell(
        cellsA.get(key),
        cellsB.get(key),
        metric,
        paired ? (pairs.get(`${key}|${metric}`) ?? NO_PAIRS) : undefined,
      ),
    ),
  );
  const tested = rows.filter((row) => row.p !== null);
  const adjusted = (adjustment === "holm" ? holmAdjust : benjaminiHochbergAdjust)(
    tested.map((row) => row.p as number),
  );
  tested.forEach((row, index) => {
    row.p_adjusted = adjusted[index] ?? row.p;
  });
  return { paired, rows };
}

type SideCell = Omit<Cell, "undesired_corrected">;

function subjectCells(side: ComparedSide): Map<string, SideCell> {
  return new Map(
    outcomeCells(side.database, side.verdictSet)
      .filter((cell) => cell.subject === side.subject)
      .map((cell) => [cellKey(cell.scenario, cell.factors, cell.arm, cell.followup), cell]),
  );
}

function cellKey(
  scenario: string,
  factors: Record<string, string>,
  arm: string,
  followup: number,
): string {
  return JSON.stringify([scenario, factors, arm, followup]);
}

function compareCell(
  cellA: SideCell | undefined,
  cellB: SideCell | undefined,
  metric: Metric,
  pair: PairTallies | undefined,
): RunComparisonRow {
  const cell = (cellA ?? cellB) as SideCell;
  const row: RunComparisonRow = {
    scenario: cell.scenario,
    factors: cell.factors,
    arm: cell.arm,
    followup: cell.followup,
    metric,
    a: cellA?.[metric] ?? null,
    b: cellB?.[metric] ?? null,
    diff: null,
    ci: null,
    p: null,
    p_adjusted: null,
    method: null,
    n: null,
  };
  if (pair) return { ...row, ...pairedTest(pair) };
  const x = row.a;
  const y = row.b;
  if (!x || !y || x.n === 0 || y.n === 0) return row;
  return {
    ...row,
    diff: (y.rate as number) - (x.rate as number),
    ci: newcombeInterval(y.k, y.n, x.k, x.n),
    p: fisherExactTest(y.k, y.n - y.k, x.k, x.n - x.k),
    method: "newcombe-fisher",
    n: [x.n, y.n],
  };
}

interface PairTallies {
  both: number;
  onlyA: number;
  onlyB: number;
  neither: number;
}

const NO_PAIRS: PairTallies = { both: 0, onlyA: 0, onlyB: 0, neither: 0 };

function pairedTest(pair: PairTallies): Partial<RunComparisonRow> {
  const n = pair.both + pair.onlyA + pair.onlyB + pair.neither;
  if (n === 0) return {};
  return {
    // B minus A: B-only positives count up, A-only down.
    diff: (pair.onlyB - pair.onlyA) / n,
    ci: pairedDifferenceInterval(pair.both, pair.onlyB, pair.onlyA, pair.neither),
    p: mcnemarExactTest(pair.onlyB, pair.onlyA),
    method: "mcnemar-paired",
    n,
  };
}

/** Both verdict sets' outcomes on each judged turn, tallied per cell and metric. */
function pairTables(a: ComparedSide, b: ComparedSide): Map<string, PairTallies> {
  const rows = a.database
    .prepare(
      `SELECT t.scenario_id AS scenario, t.levels_json AS levels, t.arm AS arm, oa.followup AS followup,
         oa.undesired AS undesiredA, ob.undesired AS undesiredB, oa.deception AS deceptionA,
         ob.deception AS deceptionB, oa.reasoning_status AS reasoningA, ob.reasoning_status AS reasoningB
       FROM outcomes oa
       JOIN outcomes ob ON ob.trial_id = oa.trial_id AND ob.turn_index = oa.turn_index AND ob.verdict_set = ?
       JOIN trials t ON t.trial_id = oa.trial_id
       WHERE oa.verdict_set = ? AND oa.followup >= 1 AND t.status = 'complete' AND t.subject = ?`,
    )
    .all(b.verdictSet, a.verdictSet, a.subject) as Array<
    PairedLabels & { scenario: string; levels: string; arm: string; followup: number }
  >;
  const tables = new Map<string, PairTallies>();
  for (const row of rows) {
    const key = cellKey(row.scenario, JSON.parse(row.levels), row.arm, row.followup);
    for (const [metric, labelA, labelB] of metricLabels(row)) {
      if (labelA === undefined || labelB === undefined) continue;
      const table = tables.get(`${key}|${metric}`) ?? { both: 0, onlyA: 0, onlyB: 0, neither: 0 };
      if (labelA && labelB) table.both += 1;
      else if (labelA) table.onlyA += 1;
      else if (labelB) table.onlyB += 1;
      else table.neither += 1;
      tables.set(`${key}|${metric}`, table);
    }
  }
  return tables;
}
