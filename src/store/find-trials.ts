import type Database from "better-sqlite3";
import type { ConsistencyLabel, ReasoningStatus, UndesiredLabel } from "../spec/verdict.ts";
import { cachedStatement } from "./cached-statement.ts";
import { fullTextQuery, SEARCH_MATCH_SQL } from "./search-query.ts";
import { type TrialExcerpt, trialExcerpts } from "./trial-excerpt.ts";
import type { TrialRow } from "./trial-row.ts";
import { sortKeySql, sortsInPlanOrder, type TrialSort } from "./trial-sort.ts";

export const OUTCOME_FILTERS = [
  "undesired",
  "not_undesired",
  "deception",
  "missing_reasoning",
  "inconclusive",
  "error",
] as const;
export type OutcomeFilter = (typeof OUTCOME_FILTERS)[number];

/** Which trials to list; every field narrows, an empty filter lists every finished trial. */
export interface TrialFilter {
  subject?: string;
  scenario?: string;
  arm?: string;
  /** Factor name → level; a trial must be at every named level. */
  levels?: Record<string, string>;
  /**
   * Narrows the outcome and disagreement conditions to this follow-up's judged turn (0: the
   * intervention point, judged where the subject writes it); without it, any judged turn counts.
   */
  followup?: number;
  outcome?: OutcomeFilter;
  /** Only trials with a judged turn on which the judges disagree. */
  disagreement?: boolean;
  /**
   * Words and "quoted phrases" a generated turn's output or reasoning must all hold (full-text
   * search, see search-query.ts); needs the run's search index attached (search-index.ts).
   */
  search?: string;
}

export interface FollowupSummary {
  followup: number;
  turnIndex: number;
  undesired: UndesiredLabel;
  deception: UndesiredLabel;
  reasoningStatus: ReasoningStatus;
  consistency: ConsistencyLabel;
  disagreement: boolean;
}

export interface TrialSummary {
  trialId: string;
  ordinal: number;
  subject: string;
  scenario: string;
  levels: Record<string, string>;
  arm: string;
  sample: number;
  status: "complete" | "error";
  error: string | null;
  simulated: boolean;
  followups: FollowupSummary[];
  /** The judged output's first words (or those around a search's hit); null: nothing judged. */
  excerpt: TrialExcerpt | null;
}

/**
 * The judges disagree on a turn (see judgesDisagree): among decided labels, the least and the
 * greatest differ; NULL (nothing decided) counts as agreement. `o` is the turn's outcome row.
 */
export const DISAGREEMENT_SQL = `(SELECT
    MIN(CASE WHEN v.undesired IN ('yes', 'no') THEN v.undesired END)
      <> MAX(CASE WHEN v.undesired IN ('yes', 'no') THEN v.undesired END)
    OR MIN(CASE WHEN v.consistency IN ('consistent', 'inconsistent') THEN v.consistency END)
      <> MAX(CASE WHEN v.consistency IN ('consistent', 'inconsistent') THEN v.consistency END)
  FROM verdicts v
  WHERE v.trial_id = o.trial_id AND v.turn_index = o.turn_index AND v.verdict_set = o.verdict_set)`;

const OUTCOME_SQL: Record<Exclude<OutcomeFilter, "error">, string> = {
  undesired: "o.undesired = 'yes'",
  not_undesired: "o.undesired = 'no'",
  deception: "o.deception = 'yes'",
  missing_reasoning: "o.reasoning_status IN ('missing', 'empty')",
  inconclusive: "(o.undesired = 'inconclusive' OR o.deception = 'inconclusive')",
};

/**
 * One page of matching trials, in plan order or `page.sort`'s, after the trial whose ordinal is
 * `after` (a keyset: the rest sort after that trial's key, ties in plan order), and how many match
 * (`known.total` when the caller already counted them at this version of the run).
 */
export function findTrials(
  database: Database.Database,
  verdictSet: string,
  filter: TrialFilter,
  page: { after?: number; limit: number; sort?: TrialSort },
  known: { total?: number } = {},
): { total: number; trials: TrialSummary[] } {
  const where = filterConditions(verdictSet, filter);
  const total = known.total ?? countTrials(database, verdictSet, filter);
  const rows = !sortsInPlanOrder(page.sort)
    ? sortedRows(database, verdictSet, filter, where, { ...page, sort: page.sort as TrialSort })
    : (cachedStatement(
        database,
        `SELECT * FROM trials t WHERE ${where.sql} AND t.ordinal > ? ORDER BY t.ordinal LIMIT ?`,
      ).all(...where.parameters, page.after ?? -1, page.limit) as TrialRow[]);
  return { total, trials: trialSummaries(database, verdictSet, filter, rows) };
}

/** How many trials match: a scan of the run unless an index answers it. */
export function countTrials(
  database: Database.Database,
  verdictSet: string,
  filter: TrialFilter,
): number {
  const where = filterConditions(verdictSet, filter);
  return (
    cachedStatement(database, `SELECT COUNT(*) AS n FROM trials t WHERE ${where.sql}`).get(
      ...where.parameters,
    ) as { n: number }
  ).n;
}

/**
 * The trials with these ordinals, in the order given: a page of an order found earlier
 * (trial-order.ts). Ordinals no longer in the run are left out.
 */
export function trialsAt(
  database: Database.Database,
  verdictSet: string,
  filter: TrialFilter,
  ordinals: ArrayLike<number>,
): TrialSummary[] {
  const wanted = Array.from(ordinals);
  const rows = cachedStatement(
    database,
    "SELECT * FROM trials WHERE ordinal IN (SELECT value FROM json_each(?))",
  ).all(JSON.stringify(wanted)) as TrialRow[];
  const byOrdinal = new Map(rows.map((row) => [row.ordinal, row]));
  const ordered = wanted
    .map((ordinal) => byOrdinal.get(ordinal))
    .filter((row): row is TrialRow => row !== undefined);
  return trialSummaries(database, verdictSet, filter, ordered);
}

/** What the list shows of each trial: its cell, its judged turns and an excerpt. */
function trialSummaries(
  database: Database.Database,
  verdictSet: string,
  filter: TrialFilter,
  rows: TrialRow[],
): TrialSummary[] {
  const trialIds = rows.map((row) => row.trial_id);
  const excerpts = trialExcerpts(database, trialIds, filter);
  const followups = followupSummaries(database, verdictSet, trialIds);
  return rows.map((row) => ({
    trialId: row.trial_id,
    ordinal: row.ordinal,
    subject: row.subject,
    scenario: row.scenario_id,
    levels: JSON.parse(row.levels_json),
    arm: row.arm,
    sample: row.sample,
    status: row.status === "error" ? "error" : "complete",
    error: row.error,
    simulated: row.simulated === 1,
    followups: followups.get(row.trial_id) ?? [],
    excerpt: excerpts.get(row.trial_id) ?? null,
  }));
}

/** A page in a sort's order: the key of the trial at `after` is looked up, the rest follow it. */
function sortedRows(
  database: Database.Database,
  verdictSet: string,
  filter: TrialFilter,
  where: { sql: string; parameters: Array<string | number> },
  page: { after?: number; limit: number; sort: TrialSort },
): TrialRow[] {
  const key = sortKeySql(
    page.sort.key,
    { verdictSet, followup: filter.followup },
    DISAGREEMENT_SQL,
  );
  const direction = page.sort.descending ? "DESC" : "ASC";
  const select = `SELECT t.*, ${key.sql} AS sort_key FROM trials t WHERE ${where.sql}`;
  const cursor = database
    .prepare(
      `SELECT ${key.sql} AS sort_key, t.ordinal AS ordinal FROM trials t WHERE t.ordinal = ?`,
    )
    .get(...key.parameters, page.after ?? -1) as { sort_key: unknown; ordinal: number } | undefined;
  const after = cursor
    ? {
        sql: `WHERE (sort_key, ordinal) ${page.sort.descending ? "<" : ">"} (?, ?)`,
        parameters: [cursor.sort_key, cursor.ordinal],
      }
    : { sql: "", parameters: [] };
  return database
    .prepare(
      `SELECT * FROM (${select}) ${after.sql} ORDER BY sort_key ${direction}, ordinal ${direction} LIMIT ?`,
    )
    .all(...key.parameters, ...where.parameters, ...after.parameters, page.limit) as TrialRow[];
}

/** The filter as a condition on the trial `t`, and its parameters. */
export function filterConditions(
  verdictSet: string,
  filter: TrialFilter,
): { sql: string; parameters: Array<string | number> } {
  const conditions = ["t.status != 'pending'"];
  const parameters: Array<string | number> = [];
  const equal = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    conditions.push(`${column} = ?`);
    parameters.push(value);
  };
  equal("t.subject", filter.subject);
  equal("t.scenario_id", filter.scenario);
  equal("t.arm", filter.arm);
  for (const [factor, level] of Object.entries(filter.levels ?? {})) {
    conditions.push("json_extract(t.levels_json, ?) = ?");
    parameters.push(`$.${JSON.stringify(factor)}`, level);
  }
  if (filter.search !== undefined) {
    // Nothing to look for (punctuation only) finds nothing; the query is never SQL text.
    const query = fullTextQuery(filter.search);
    conditions.push(query === null ? "0" : SEARCH_MATCH_SQL);
    if (query !== null) parameters.push(query);
  }
  // An errored trial has no judged turns: follow-up and disagreement do not narrow it further.
  if (filter.outcome === "error") {
    conditions.push("t.status = 'error'");
    return { sql: conditions.join(" AND "), parameters };
  }
  const turnConditions = [
    filter.outcome ? OUTCOME_SQL[filter.outcome] : null,
    filter.disagreement ? DISAGREEMENT_SQL : null,
  ].filter((condition): condition is string => condition !== null);
  if (turnConditions.length > 0 || filter.followup !== undefined) {
    // The unary + keeps SQLite on the primary key (trial_id first): given the choice it walks
    // the (verdict_set, followup) index instead, once per trial, which is quadratic.
    const followup = filter.followup === undefined ? "1" : "+o.followup = ?";
    conditions.push(
      `EXISTS (SELECT 1 FROM outcomes o WHERE o.trial_id = t.trial_id AND +o.verdict_set = ? AND ${[followup, ...turnConditions].join(" AND ")})`,
    );
    parameters.push(verdictSet);
    if (filter.followup !== undefined) parameters.push(filter.followup);
  }
  return { sql: conditions.join(" AND "), parameters };
}

/** One query for the whole page (not one a trial): each trial's judged turns, by follow-up. */
function followupSummaries(
  database: Database.Database,
  verdictSet: string,
  trialIds: readonly string[],
): Map<string, FollowupSummary[]> {
  const rows = cachedStatement(
    database,
    `SELECT o.trial_id AS trialId, o.followup AS followup, o.turn_index AS turnIndex,
         o.undesired AS undesired, o.deception AS deception, o.reasoning_status AS reasoningStatus,
         o.consistency AS consistency, ${DISAGREEMENT_SQL} AS disagreement
       FROM json_each(?) page JOIN outcomes o ON o.trial_id = page.value AND +o.verdict_set = ?
       ORDER BY o.trial_id, o.followup`,
  ).all(JSON.stringify(trialIds), verdictSet) as Array<
    Omit<FollowupSummary, "disagreement"> & { trialId: string; disagreement: number | null }
  >;
  const summaries = new Map<string, FollowupSummary[]>();
  for (const { trialId, ...row } of rows) {
    const summary = { ...row, disagreement: row.disagreement === 1 };
    const followups = summaries.get(trialId);
    if (followups) followups.push(summary);
    else summaries.set(trialId, [summary]);
  }
  return summaries;
}
