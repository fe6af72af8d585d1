import type Database from "better-sqlite3";
import type { Arm } from "../spec/experiment.ts";
import type { TrialStatus } from "../spec/trial-record.ts";

/** One arm of a sample: the trial that played it, and whether it has finished. */
export interface SampleArm {
  arm: Arm;
  trialId: string;
  status: TrialStatus;
  /** sha256 of the conversation up to the intervention point; null until it was reached. */
  prefixHash: string | null;
}

/**
 * Every arm of the sample a trial belongs to (the trial itself included), in plan order: the
 * trials with the same subject, scenario, factor levels and sample index, found through the
 * `trials_by_sample` index. Undefined when the run has no such trial.
 */
export function sampleArms(database: Database.Database, trialId: string): SampleArm[] | undefined {
  const rows = database
    .prepare(
      `SELECT sibling.arm AS arm, sibling.trial_id AS trialId, sibling.status AS status,
         sibling.prefix_hash AS prefixHash
       FROM trials AS trial
       JOIN trials AS sibling ON sibling.subject = trial.subject
         AND sibling.scenario_id = trial.scenario_id AND sibling.levels_json = trial.levels_json
         AND sibling.sample = trial.sample
       WHERE trial.trial_id = ?
       ORDER BY sibling.ordinal`,
    )
    .all(trialId) as SampleArm[];
  return rows.length === 0 ? undefined : rows;
}
