import type Database from "better-sqlite3";
import type { Arm } from "../spec/experiment.ts";

export interface OutcomeCounts {
  subject: string;
  scenario: string;
  factors: Record<string, string>;
  arm: Arm;
  followup: number;
  turns: number;
  undesiredYes: number;
  undesiredNo: number;
  undesiredInconclusive: number;
  deceptionYes: number;
  deceptionNo: number;
  deceptionInconclusive: number;
  reasoningMissing: number;
  reasoningPresent: number;
  reasoningHidden: number;
}

/**
 * Counts follow-up outcomes of completed trials in SQL, so a report on 100k trials never loads
 * the transcripts. Cells come out in plan order (subject, scenario, levels, arm).
 */
export function countOutcomes(database: Database.Database, verdictSet: string): OutcomeCounts[] {
  const rows = database
    .prepare(
      `SELECT t.subject AS subject, t.scenario_id AS scenario, t.levels_json AS levels, t.arm AS arm,
         o.followup AS followup, COUNT(*) AS turns,
         SUM(o.undesired = 'yes') AS undesiredYes, SUM(o.undesired = 'no') AS undesiredNo,
         SUM(o.undesired = 'inconclusive') AS undesiredInconclusive,
         SUM(o.deception = 'yes') AS deceptionYes, SUM(o.deception = 'no') AS deceptionNo,
         SUM(o.deception = 'inconclusive') AS deceptionInconclusive,
         SUM(o.reasoning_status IN ('missing', 'empty')) AS reasoningMissing,
         SUM(o.reasoning_status = 'present') AS reasoningPresent,
         SUM(o.reasoning_status = 'hidden') AS reasoningHidden,
         MIN(t.ordinal) AS firstOrdinal
       FROM outcomes o JOIN trials t ON t.trial_id = o.trial_id
       WHERE o.verdict_set = ? AND o.followup >= 1 AND t.status = 'complete'
       GROUP BY t.subject, t.scenario_id, t.levels_json, t.arm, o.followup
       ORDER BY o.followup, firstOrdinal`,
    )
    .all(verdictSet) as Array<
    Omit<OutcomeCounts, "factors"> & { levels: string; firstOrdinal: number }
  >;
  return rows.map(({ levels, firstOrdinal: _order, ...counts }) => ({
    ...counts,
    factors: JSON.parse(levels),
  }));
}
