import type Database from "better-sqlite3";
import { explainEmptyResult, hasTwoJudges, oneJudgeOnly } from "../store/explain-empty-result.ts";
import { findTrials, type TrialFilter } from "../store/find-trials.ts";
import { attachSearchIndex } from "../store/search-index.ts";
import { trialOrder } from "../store/trial-order.ts";
import type { TrialSort } from "../store/trial-sort.ts";

/** A page of trials as a worker thread finds it: a scan of the run (search, disagreement, sort). */
export interface TrialPageTask {
  verdictSet: string;
  filter: TrialFilter;
  page: { after: number; limit: number; sort?: TrialSort };
  /** The run's full-text index, up to date; present when the filter searches. */
  searchIndexFile?: string;
}

export type FoundTrials = ReturnType<typeof findTrials> & {
  /** Why nothing matched, when nothing did and a reason could be found. */
  emptyBecause?: string | null;
};

/** Finds the page and, when it is empty, why: both over the worker's read-only connection. */
export function trialPageTask(database: Database.Database, task: TrialPageTask): FoundTrials {
  if (task.searchIndexFile) attachSearchIndex(database, task.searchIndexFile);
  // With one judge per turn no turn can disagree: say so without comparing every turn's verdicts.
  if (task.filter.disagreement && !hasTwoJudges(database, task.verdictSet))
    return { total: 0, trials: [], emptyBecause: oneJudgeOnly(task.verdictSet) };
  const found = findTrials(database, task.verdictSet, task.filter, task.page);
  if (found.total > 0) return found;
  return { ...found, emptyBecause: explainEmptyResult(database, task.verdictSet, task.filter) };
}

/** Every matching trial's ordinal in the list's order, as a worker thread finds it. */
export type TrialOrderTask = Omit<TrialPageTask, "page"> & { sort?: TrialSort };

/** The order (trial-order.ts) and, when nothing matches, why (as trialPageTask says it). */
export function trialOrderTask(
  database: Database.Database,
  task: TrialOrderTask,
): { order: Int32Array; emptyBecause?: string | null } {
  if (task.searchIndexFile) attachSearchIndex(database, task.searchIndexFile);
  if (task.filter.disagreement && !hasTwoJudges(database, task.verdictSet))
    return { order: new Int32Array(0), emptyBecause: oneJudgeOnly(task.verdictSet) };
  const order = trialOrder(database, task.verdictSet, task.filter, task.sort);
  if (order.length > 0) return { order };
  return { order, emptyBecause: explainEmptyResult(database, task.verdictSet, task.filter) };
}
