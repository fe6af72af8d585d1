import type Database from "better-sqlite3";
import type { Arm, PrimaryAnalysisSpec } from "../spec/experiment.ts";
import type { BetweenSubjects, Cell, PAdjustment, Proportion } from "./analysis-types.ts";
import { outcomeCells } from "./analyze-run.ts";
import { pairCount, pairedDifference, unpairedDifference } from "./compare-arms.ts";
import { metricLabels, type PairedLabels, type PairTallies, tally } from "./count-pairs.ts";
import { METRICS, type Metric } from "./outcome-metrics.ts";
import { betweenSubjects, primaryStrata } from "./primary-analysis.ts";
import { adjustPValues } from "./test-families.ts";

/** One side of a comparison: a run's verdict set, restricted to one subject. */
export interface ComparedSide {
  database: Database.Database;
  /** The run directory, resolved: two sides in one directory compare the same turns. */
  directory: string;
  verdictSet: string;
  subject: string;
  /** The run's declared primary analysis. */
  primary: PrimaryAnalysisSpec;
}

/** Does the primary contrast differ between the two sides (two models, two runs)? */
export interface PrimaryComparison extends PrimaryAnalysisSpec {
  between: BetweenSubjects | null;
  /** Why there is no comparison (the sides declare different analyses, or the same turns). */
  problem: string | null;
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
  /**
   * Paired on the same turns when both sides judge one run's subject; unpaired otherwise. A and B
   * are each side's rate over the turns it decided; a paired difference and its n count only the
   * turns both sides decided.
   */
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
): { paired: boolean; rows: RunComparisonRow[]; primary: PrimaryComparison } {
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
  const adjusted = adjustPValues(
    tested.map((row) => row.p as number),
    adjustment,
  );
  tested.forEach((row, index) => {
    row.p_adjusted = adjusted[index] ?? row.p;
  });
  return { paired, rows, primary: comparePrimary(a, b, paired) };
}

/**
 * The primary contrast of side A against side B, scenario by scenario and pooled: Cochran's Q
 * over the two sides' Mantel–Haenszel log odds ratios, and the difference of their risk
 * differences. Only for independent sides that declared the same analysis.
 */
function comparePrimary(a: ComparedSide, b: ComparedSide, paired: boolean): PrimaryComparison {
  const spec = a.primary;
  const none = (problem: string) => ({ ...spec, between: null, problem });
  if (paired) return none("two verdict sets of the same turns are not independent samples");
  if (JSON.stringify(a.primary) !== JSON.stringify(b.primary))
    return none("the two runs declare different primary analyses");
  const strataOf = (side: ComparedSide) =>
    primaryStrata(side.database, side.verdictSet, spec).filter(
      (stratum) => stratum.subject === side.subject,
    );
  // B first: the difference of risk differences then reads B − A, as every row of the comparison.
  const sides = new Map([
    [`B: ${b.subject}`, strataOf(b)],
    [`A: ${a.subject}`, strataOf(a)],
  ]);
  return { ...spec, between: betweenSubjects(sides), problem: null };
}

type SideCell = Omit<Cell, "undesired_corrected">;

function subjectCells(side: ComparedSide): Map<string, SideCell> {
  return new Map(
    outcomeCells(side.database, side.verdictSet)
      .filter((cell) => cell.subject === side.subject)
      .map((cell) => [cellKey(cell.scenario, cell.factors, cell.arm, cell.followup), cell]),
  );
}

/** Factor levels in name order: two scenario files may declare the same factors differently. */
function cellKey(
  scenario: string,
  factors: Record<string, string>,
  arm: string,
  followup: number,
): string {
  const levels = Object.entries(factors).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([scenario, levels, arm, followup]);
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
  if (pair) {
    // B first, so the difference reads B minus A.
    const swapped = {
      both: pair.both,
      onlyA: pair.onlyB,
      onlyB: pair.onlyA,
      neither: pair.neither,
    };
    return pairCount(pair) === 0
      ? row
      : { ...row, ...pairedDifference(swapped), method: "mcnemar-paired" };
  }
  if (!row.a || !row.b || row.a.n === 0 || row.b.n === 0) return row;
  return {
    ...row,
    ...unpairedDifference(row.b, row.a),
    n: [row.a.n, row.b.n],
    method: "newcombe-fisher",
  };
}

const NO_PAIRS: PairTallies = { both: 0, onlyA: 0, onlyB: 0, neither: 0 };

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
       WHERE oa.verdict_set = ? AND t.status = 'complete' AND t.subject = ?`,
    )
    .all(b.verdictSet, a.verdictSet, a.subject) as Array<
    PairedLabels & { scenario: string; levels: string; arm: string; followup: number }
  >;
  const tables = new Map<string, PairTallies>();
  for (const row of rows) {
    const key = cellKey(row.scenario, JSON.parse(row.levels), row.arm, row.followup);
    for (const [metric, labelA, labelB] of metricLabels(row)) {
      if (labelA === undefined || labelB === undefined) continue;
      const table = tables.get(`${key}|${metric}`) ?? { ...NO_PAIRS };
      tally(table, labelA, labelB);
      tables.set(`${key}|${metric}`, table);
    }
  }
  return tables;
}
