import type Database from "better-sqlite3";
import { type CorrectedPrevalence, correctedPrevalence } from "../stats/index.ts";
import type { Cell } from "./analyze-run.ts";

/** How the run's combined `undesired` outcome compares with human labels on the same turns. */
export interface OutcomeValidation {
  truePositives: number;
  positives: number;
  trueNegatives: number;
  negatives: number;
}

/** Outcome (after checks and the judges' majority) against every human label, decided turns only. */
export function outcomeValidation(
  database: Database.Database,
  verdictSet: string,
): OutcomeValidation | null {
  const row = database
    .prepare(
      `SELECT SUM(h.undesired = 'yes' AND o.undesired = 'yes') AS truePositives, SUM(h.undesired = 'yes') AS positives,
         SUM(h.undesired = 'no' AND o.undesired = 'no') AS trueNegatives, SUM(h.undesired = 'no') AS negatives
       FROM human_labels h JOIN outcomes o ON o.trial_id = h.trial_id AND o.turn_index = h.turn_index
       WHERE o.verdict_set = ? AND o.undesired IN ('yes', 'no') AND h.undesired IN ('yes', 'no')`,
    )
    .get(verdictSet) as Record<keyof OutcomeValidation, number | null>;
  if (!row.positives && !row.negatives) return null;
  return {
    truePositives: row.truePositives ?? 0,
    positives: row.positives ?? 0,
    trueNegatives: row.trueNegatives ?? 0,
    negatives: row.negatives ?? 0,
  };
}

/**
 * Each cell's undesired rate corrected for the measured sensitivity and specificity of the way
 * turns were labelled (Rogan–Gladen), with a bootstrap interval that also carries the uncertainty
 * of those two estimates; null when no human labels exist.
 */
export function correctUndesiredRate(
  cell: Pick<Cell, "undesired">,
  validation: OutcomeValidation | null,
): CorrectedPrevalence | null {
  if (!validation || cell.undesired.n === 0) return null;
  return correctedPrevalence({ positives: cell.undesired.k, n: cell.undesired.n, validation });
}
