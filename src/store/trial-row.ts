import type { TrialIdentity } from "../spec/trial-record.ts";

/** A row of the `trials` table as better-sqlite3 returns it. */
export interface TrialRow {
  trial_id: string;
  ordinal: number;
  subject: string;
  scenario_id: string;
  levels_json: string;
  arm: TrialIdentity["arm"];
  sample: number;
  seed: number;
  status: "pending" | "complete" | "error";
  error: string | null;
  simulated: number;
  prefix_hash: string | null;
}

export function trialIdentityFromRow(row: TrialRow): TrialIdentity {
  return {
    trialId: row.trial_id,
    subject: row.subject,
    scenarioId: row.scenario_id,
    levels: JSON.parse(row.levels_json),
    arm: row.arm,
    sample: row.sample,
    seed: row.seed,
  };
}
