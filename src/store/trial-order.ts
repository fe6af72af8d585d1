import type Database from "better-sqlite3";
import { DISAGREEMENT_SQL, filterConditions, type TrialFilter } from "./find-trials.ts";
import { sortKeySql, sortsInPlanOrder, type TrialSort } from "./trial-sort.ts";

/**
 * Every matching trial's ordinal in the list's order (plan order, or the sort's with ties in
 * plan order): the one scan a sort, a search or a disagreement filter needs, kept by the viewer
 * per run version so that every page of it, and every repeat, is a lookup of a hundred trials.
 */
export function trialOrder(
  database: Database.Database,
  verdictSet: string,
  filter: TrialFilter,
  sort?: TrialSort,
): Int32Array {
  const where = filterConditions(verdictSet, filter);
  if (sortsInPlanOrder(sort)) {
    const ordinals = database
      .prepare(`SELECT t.ordinal FROM trials t WHERE ${where.sql} ORDER BY t.ordinal`)
      .pluck()
      .all(...where.parameters) as number[];
    return Int32Array.from(ordinals);
  }
  const { key, descending } = sort as TrialSort;
  const keySql = sortKeySql(key, { verdictSet, followup: filter.followup }, DISAGREEMENT_SQL);
  const direction = descending ? "DESC" : "ASC";
  const ordinals = database
    .prepare(
      `SELECT ordinal FROM (SELECT t.ordinal AS ordinal, ${keySql.sql} AS sort_key FROM trials t WHERE ${where.sql})
       ORDER BY sort_key ${direction}, ordinal ${direction}`,
    )
    .pluck()
    .all(...keySql.parameters, ...where.parameters) as number[];
  return Int32Array.from(ordinals);
}

/**
 * Where the page after the trial `after` starts in `order` (from trialOrder with the same sort);
 * undefined when the order cannot tell: a sort's page after a trial the filter leaves out
 * continues from that trial's key, which findTrials looks up.
 */
export function positionAfter(
  order: Int32Array,
  after: number,
  sort?: TrialSort,
): number | undefined {
  if (after < 0) return 0;
  if (sortsInPlanOrder(sort)) {
    let low = 0;
    let high = order.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((order[middle] as number) > after) high = middle;
      else low = middle + 1;
    }
    return low;
  }
  const index = order.indexOf(after);
  return index < 0 ? undefined : index + 1;
}
