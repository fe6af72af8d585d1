/**
 * The orders the trial list can be sorted in: one a column of the trial table. Pure (SQL text
 * only): the page imports the keys.
 */
export const TRIAL_SORT_KEYS = [
  "ordinal",
  "subject",
  "scenario",
  "levels",
  "arm",
  "sample",
  "status",
  "undesired",
  "deception",
  "missing_reasoning",
  "disagreement",
] as const;
export type TrialSortKey = (typeof TRIAL_SORT_KEYS)[number];

export interface TrialSort {
  key: TrialSortKey;
  descending?: boolean;
}

/** No sort, or plan order ascending: pages follow the ordinal index. */
export function sortsInPlanOrder(sort: TrialSort | undefined): boolean {
  return sort === undefined || (sort.key === "ordinal" && !sort.descending);
}

const COLUMN_KEYS: Partial<Record<TrialSortKey, string>> = {
  ordinal: "t.ordinal",
  subject: "t.subject",
  scenario: "t.scenario_id",
  levels: "t.levels_json",
  arm: "t.arm",
  sample: "t.sample",
  status: "t.status",
};

/** Outcome keys count a trial's judged turns with the label (at the follow-up filtered to, if any). */
const COUNTED_CONDITIONS: Partial<Record<TrialSortKey, string>> = {
  undesired: "o.undesired = 'yes'",
  deception: "o.deception = 'yes'",
  missing_reasoning: "o.reasoning_status IN ('missing', 'empty')",
};

/**
 * The SQL value a trial (`t`) sorts by, and its parameters. `disagreementSql` is the condition
 * that the judges disagree on the outcome row `o` (find-trials.ts owns it).
 */
export function sortKeySql(
  key: TrialSortKey,
  scope: { verdictSet: string; followup?: number },
  disagreementSql: string,
): { sql: string; parameters: Array<string | number> } {
  const column = COLUMN_KEYS[key];
  if (column) return { sql: column, parameters: [] };
  const condition = COUNTED_CONDITIONS[key] ?? disagreementSql;
  const followup = scope.followup === undefined ? "" : " AND +o.followup = ?";
  return {
    sql: `(SELECT COUNT(*) FROM outcomes o WHERE o.trial_id = t.trial_id AND +o.verdict_set = ?${followup} AND ${condition})`,
    parameters:
      scope.followup === undefined ? [scope.verdictSet] : [scope.verdictSet, scope.followup],
  };
}
