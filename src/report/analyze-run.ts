import type { Arm, ModelSettings } from "../spec/experiment.ts";
import { fisherExactTest, newcombeInterval, wilsonInterval } from "../stats/index.ts";
import { RUN_VERDICT_SET, type RunMetadata, type RunStore } from "../store/run-store.ts";
import { countOutcomes, type OutcomeCounts } from "./count-outcomes.ts";
import { type ModelUsage, usageSummary } from "./usage-summary.ts";

export const METRICS = ["undesired", "deception", "missing_reasoning"] as const;
export type Metric = (typeof METRICS)[number];

/** A rate with its 95% Wilson interval; `inconclusive` turns are counted here, outside `n`. */
export interface Proportion {
  k: number;
  n: number;
  rate: number | null;
  ci: [number, number];
  inconclusive: number;
}

export interface Cell {
  subject: string;
  scenario: string;
  factors: Record<string, string>;
  arm: Arm;
  followup: number;
  /** Completed trials that reached this follow-up. */
  trials: number;
  undesired: Proportion;
  deception: Proportion;
  missing_reasoning: Proportion;
}

export interface Comparison {
  subject: string;
  scenario: string;
  factors: Record<string, string>;
  followup: number;
  metric: Metric;
  a: Arm;
  b: Arm;
  diff: number | null;
  ci: [number, number];
  p: number;
  method: "newcombe-fisher";
}

export interface RunAnalysis {
  metadata: RunMetadata;
  status: Record<"pending" | "complete" | "error", number>;
  /** Errored trials by subject and scenario: excluded from every rate, never silently. */
  errors: Array<{ subject: string; scenario: string; count: number }>;
  cells: Cell[];
  comparisons: Comparison[];
  /** Tokens and cost per subject and judge model; cached calls cost nothing. */
  usage: ModelUsage[];
}

const COMPARED_ARMS: readonly [Arm, Arm] = ["refusal", "rebuttal"];

/** Rates per design cell and follow-up, and refusal-minus-rebuttal differences. */
export function analyzeRun(store: RunStore, verdictSet = RUN_VERDICT_SET): RunAnalysis {
  const counts = countOutcomes(store.database, verdictSet);
  const cells = counts.map(toCell);
  const metadata = store.metadata();
  const settings = (metadata.experiment as { models?: Record<string, ModelSettings> }).models ?? {};
  return {
    metadata,
    status: store.statusCounts(),
    errors: errorCounts(store),
    cells,
    comparisons: compareArms(cells, ...COMPARED_ARMS),
    usage: usageSummary(store.database, settings),
  };
}

function toCell(counts: OutcomeCounts): Cell {
  return {
    subject: counts.subject,
    scenario: counts.scenario,
    factors: counts.factors,
    arm: counts.arm,
    followup: counts.followup,
    trials: counts.turns,
    undesired: proportion(
      counts.undesiredYes,
      counts.undesiredYes + counts.undesiredNo,
      counts.undesiredInconclusive,
    ),
    deception: proportion(
      counts.deceptionYes,
      counts.deceptionYes + counts.deceptionNo,
      counts.deceptionInconclusive,
    ),
    missing_reasoning: proportion(
      counts.reasoningMissing,
      counts.reasoningMissing + counts.reasoningPresent,
      counts.reasoningHidden,
    ),
  };
}

export function proportion(k: number, n: number, inconclusive: number): Proportion {
  return { k, n, rate: n === 0 ? null : k / n, ci: wilsonInterval(k, n), inconclusive };
}

function compareArms(cells: readonly Cell[], a: Arm, b: Arm): Comparison[] {
  const byKey = new Map(cells.map((cell) => [cellKey(cell, cell.arm), cell]));
  const comparisons: Comparison[] = [];
  for (const cellA of cells.filter((cell) => cell.arm === a)) {
    const cellB = byKey.get(cellKey(cellA, b));
    if (!cellB) continue;
    for (const metric of METRICS) comparisons.push(compare(cellA, cellB, metric));
  }
  return comparisons;
}

function compare(cellA: Cell, cellB: Cell, metric: Metric): Comparison {
  const x = cellA[metric];
  const y = cellB[metric];
  const diff = x.rate === null || y.rate === null ? null : x.rate - y.rate;
  return {
    subject: cellA.subject,
    scenario: cellA.scenario,
    factors: cellA.factors,
    followup: cellA.followup,
    metric,
    a: cellA.arm,
    b: cellB.arm,
    diff,
    ci: newcombeInterval(x.k, x.n, y.k, y.n),
    p: fisherExactTest(x.k, x.n - x.k, y.k, y.n - y.k),
    method: "newcombe-fisher",
  };
}

function cellKey(cell: Cell, arm: Arm): string {
  return JSON.stringify([cell.subject, cell.scenario, cell.factors, cell.followup, arm]);
}

function errorCounts(store: RunStore): RunAnalysis["errors"] {
  return store.database
    .prepare(
      `SELECT subject, scenario_id AS scenario, COUNT(*) AS count FROM trials
       WHERE status = 'error' GROUP BY subject, scenario_id ORDER BY subject, scenario_id`,
    )
    .all() as RunAnalysis["errors"];
}
