import type Database from "better-sqlite3";
import type { Arm } from "../spec/experiment.ts";
import { generatesAtIntervention, type MeasurementDesign } from "../spec/measurement-design.ts";
import { storedScenario } from "../store/load-run-experiment.ts";
import type { Metric } from "./outcome-metrics.ts";

/** A 2×2 table of paired yes/no labels: both yes, only A yes, only B yes, neither. */
export interface PairTallies {
  both: number;
  onlyA: number;
  onlyB: number;
  neither: number;
}

/** Counts one pair into its table. */
export function tally(table: PairTallies, labelA: boolean, labelB: boolean): void {
  if (labelA && labelB) table.both += 1;
  else if (labelA) table.onlyA += 1;
  else if (labelB) table.onlyB += 1;
  else table.neither += 1;
}

/** Two arms' outcomes on one sample, cross-tabulated over the samples of a cell and follow-up. */
export interface PairTable extends PairTallies {
  subject: string;
  scenario: string;
  factors: Record<string, string>;
  followup: number;
  metric: Metric;
  /**
   * Whether every pair saw an identical conversation up to the intervention point that includes
   * turns the model generated: only then do the two trials share more than a seed.
   */
  sharedGeneratedPrefix: boolean;
}

/** Both sides' outcome labels on one pair. */
export interface PairedLabels {
  undesiredA: string;
  undesiredB: string;
  deceptionA: string;
  deceptionB: string;
  reasoningA: string;
  reasoningB: string;
}

interface PairRow extends PairedLabels {
  subject: string;
  scenario: string;
  levels: string;
  followup: number;
  samePrefix: number;
  /** Model-written turns before the follow-ups in trial A, its own intervention reply included. */
  generatedA: number;
}

/**
 * Matches trials of arms a and b that share subject, scenario, levels and sample index, and
 * counts agreement per metric; pairs where either label is undecided are left out, as in the rates.
 */
export function countPairs(
  database: Database.Database,
  verdictSet: string,
  a: Arm,
  b: Arm,
  design: Pick<MeasurementDesign, "control">,
): PairTable[] {
  // Generated turns before the intervention come only from `generate` steps: without one, no two
  // trials share more than a seed, and there is nothing to pair.
  if (!hasGenerateSteps(database)) return [];
  // Arm A's own reply at the intervention point is generated but not part of the shared prefix.
  const ownReply = generatesAtIntervention(a, design) ? 1 : 0;
  const rows = database
    .prepare(
      `SELECT ta.subject AS subject, ta.scenario_id AS scenario, ta.levels_json AS levels, oa.followup AS followup,
         COALESCE(ta.prefix_hash = tb.prefix_hash, 0) AS samePrefix,
         (SELECT COUNT(*) FROM turns g WHERE g.trial_id = ta.trial_id AND g.followup = 0
            AND g.source IN ('generated', 'pressurer')) AS generatedA,
         oa.undesired AS undesiredA, ob.undesired AS undesiredB, oa.deception AS deceptionA, ob.deception AS deceptionB,
         oa.reasoning_status AS reasoningA, ob.reasoning_status AS reasoningB
       FROM trials ta
       JOIN trials tb ON tb.subject = ta.subject AND tb.scenario_id = ta.scenario_id
         AND tb.levels_json = ta.levels_json AND tb.sample = ta.sample AND tb.arm = ?
       JOIN outcomes oa ON oa.trial_id = ta.trial_id AND oa.verdict_set = ?
       JOIN outcomes ob ON ob.trial_id = tb.trial_id AND ob.verdict_set = ? AND ob.followup = oa.followup
       WHERE ta.arm = ? AND ta.status = 'complete' AND tb.status = 'complete' AND oa.followup >= 1
       ORDER BY ta.ordinal, oa.followup`,
    )
    .all(b, verdictSet, verdictSet, a) as PairRow[];
  const tables = new Map<string, PairTable>();
  for (const row of rows) {
    for (const [metric, labelA, labelB] of metricLabels(row)) {
      if (labelA === undefined || labelB === undefined) continue;
      const key = JSON.stringify([row.subject, row.scenario, row.levels, row.followup, metric]);
      const table = tables.get(key) ?? emptyTable(row, metric);
      tally(table, labelA, labelB);
      table.sharedGeneratedPrefix &&= row.samePrefix === 1 && row.generatedA > ownReply;
      tables.set(key, table);
    }
  }
  return [...tables.values()];
}

function hasGenerateSteps(database: Database.Database): boolean {
  const scenarios = database.prepare("SELECT scenario_id AS id FROM scenarios").all() as Array<{
    id: string;
  }>;
  return scenarios.some(({ id }) => {
    const scenario = storedScenario(database, id);
    // A stored scenario this candor cannot read is counted in, so pairing is still looked for.
    return !scenario || scenario.steps.some((step) => step.role === "generate");
  });
}

/** true/false per metric, or undefined when that side's label is undecided. */
export function metricLabels(
  row: PairedLabels,
): Array<[Metric, boolean | undefined, boolean | undefined]> {
  const yesNo = (label: string) => (label === "yes" ? true : label === "no" ? false : undefined);
  const missing = (status: string) =>
    status === "hidden" ? undefined : status === "missing" || status === "empty";
  return [
    ["undesired", yesNo(row.undesiredA), yesNo(row.undesiredB)],
    ["deception", yesNo(row.deceptionA), yesNo(row.deceptionB)],
    ["missing_reasoning", missing(row.reasoningA), missing(row.reasoningB)],
  ];
}

function emptyTable(row: PairRow, metric: Metric): PairTable {
  return {
    subject: row.subject,
    scenario: row.scenario,
    factors: JSON.parse(row.levels),
    followup: row.followup,
    metric,
    both: 0,
    onlyA: 0,
    onlyB: 0,
    neither: 0,
    sharedGeneratedPrefix: true,
  };
}
