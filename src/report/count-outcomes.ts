import type Database from "better-sqlite3";
import type { Arm } from "../spec/experiment.ts";
import { CELL_METRICS, type CellMetric, metricCountColumns } from "./outcome-metrics.ts";

export interface LabelCounts {
  yes: number;
  no: number;
  inconclusive: number;
}

export interface OutcomeCounts {
  subject: string;
  scenario: string;
  factors: Record<string, string>;
  arm: Arm;
  followup: number;
  /** Judged turns of completed trials in the cell at this follow-up. */
  turns: number;
  counts: Record<CellMetric, LabelCounts>;
}

/**
 * Counts judged outcomes of completed trials in SQL, so a report on 100k trials never loads the
 * transcripts: follow-up 0 (the model's own reply at the intervention point, in the natural and
 * control arms) and every follow-up after it. Cells come out in plan order (subject, scenario,
 * levels, arm) within each follow-up.
 */
export function countOutcomes(database: Database.Database, verdictSet: string): OutcomeCounts[] {
  const rows = database
    .prepare(
      `SELECT t.subject AS subject, t.scenario_id AS scenario, t.levels_json AS levels, t.arm AS arm,
         o.followup AS followup, COUNT(*) AS turns, MIN(t.ordinal) AS firstOrdinal,
         ${metricCountColumns()}
       FROM outcomes o JOIN trials t ON t.trial_id = o.trial_id
       WHERE o.verdict_set = ? AND t.status = 'complete'
       GROUP BY t.subject, t.scenario_id, t.levels_json, t.arm, o.followup
       ORDER BY o.followup, firstOrdinal`,
    )
    .all(verdictSet) as Array<Record<string, string | number>>;
  return rows.map((row) => ({
    subject: row.subject as string,
    scenario: row.scenario as string,
    factors: JSON.parse(row.levels as string),
    arm: row.arm as Arm,
    followup: row.followup as number,
    turns: row.turns as number,
    counts: Object.fromEntries(
      CELL_METRICS.map((metric) => [
        metric,
        {
          yes: Number(row[`${metric}__yes`] ?? 0),
          no: Number(row[`${metric}__no`] ?? 0),
          inconclusive: Number(row[`${metric}__inconclusive`] ?? 0),
        },
      ]),
    ) as Record<CellMetric, LabelCounts>,
  }));
}
