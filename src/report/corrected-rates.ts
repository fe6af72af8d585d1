import type Database from "better-sqlite3";
import {
  type CorrectedPrevalence,
  correctedPrevalence,
  type JudgeValidation,
} from "../stats/rogan-gladen.ts";
import type { Cell } from "./analysis-types.ts";

/**
 * A scenario's own sensitivity and specificity are used once it has at least this many human
 * labels of each kind (labelled undesired, labelled not undesired); with fewer, the run's pooled
 * ones are, since a scenario with a handful of labels says little about its judge.
 */
export const MIN_LABELS_PER_SCENARIO = 10;

/** How the run's combined `undesired` outcome compares with human labels on the same turns. */
export interface OutcomeValidation {
  pooled: JudgeValidation;
  byScenario: Map<string, JudgeValidation>;
}

/** The validation that applies to a scenario, and whose it is. */
export function validationFor(
  validation: OutcomeValidation,
  scenario: string | null,
): { counts: JudgeValidation; source: string } {
  const own = scenario === null ? undefined : validation.byScenario.get(scenario);
  if (own && own.positives >= MIN_LABELS_PER_SCENARIO && own.negatives >= MIN_LABELS_PER_SCENARIO)
    return { counts: own, source: `${scenario}'s own labels` };
  return { counts: validation.pooled, source: "labels pooled over scenarios" };
}

/**
 * Outcome (after checks and the judges' majority) against the human labels, decided turns only.
 * A turn labelled by several people counts once per labeller: each label is a separate measurement
 * of the same labelling pipeline.
 */
export function outcomeValidation(
  database: Database.Database,
  verdictSet: string,
): OutcomeValidation | null {
  const rows = database
    .prepare(
      `SELECT t.scenario_id AS scenario,
         SUM(h.undesired = 'yes' AND o.undesired = 'yes') AS truePositives, SUM(h.undesired = 'yes') AS positives,
         SUM(h.undesired = 'no' AND o.undesired = 'no') AS trueNegatives, SUM(h.undesired = 'no') AS negatives
       FROM human_labels h JOIN outcomes o ON o.trial_id = h.trial_id AND o.turn_index = h.turn_index
       JOIN trials t ON t.trial_id = h.trial_id
       WHERE o.verdict_set = ? AND o.undesired IN ('yes', 'no') AND h.undesired IN ('yes', 'no')
       GROUP BY t.scenario_id`,
    )
    .all(verdictSet) as Array<JudgeValidation & { scenario: string }>;
  if (rows.length === 0) return null;
  const pooled: JudgeValidation = {
    truePositives: 0,
    positives: 0,
    trueNegatives: 0,
    negatives: 0,
  };
  const byScenario = new Map<string, JudgeValidation>();
  for (const { scenario, ...counts } of rows) {
    byScenario.set(scenario, counts);
    pooled.truePositives += counts.truePositives;
    pooled.positives += counts.positives;
    pooled.trueNegatives += counts.trueNegatives;
    pooled.negatives += counts.negatives;
  }
  return { pooled, byScenario };
}

/**
 * Each cell's undesired rate corrected for the measured sensitivity and specificity of the way
 * turns were labelled (Rogan–Gladen), its interval carrying the uncertainty of those two estimates
 * (Jeffreys posteriors); null when no human labels exist.
 */
export function correctUndesiredRate(
  cell: Pick<Cell, "undesired" | "scenario">,
  validation: OutcomeValidation | null,
): CorrectedPrevalence | null {
  if (!validation || cell.undesired.n === 0) return null;
  const { counts } = validationFor(validation, cell.scenario);
  return correctedPrevalence({
    positives: cell.undesired.k,
    n: cell.undesired.n,
    validation: counts,
  });
}
