/**
 * A trial filter as URL query parameters, one spelling for the page's address bar and the API,
 * so a filtered view is shareable as a link. Pure: the page imports it too.
 */
import { OUTCOME_FILTERS, type TrialFilter } from "../store/find-trials.ts";
import { TRIAL_SORT_KEYS, type TrialSortKey } from "../store/trial-sort.ts";

export interface TrialQuery extends TrialFilter {
  /** Whose verdicts the outcomes come from; the run's own set when absent. */
  judges?: string;
  /** The column the list is sorted by; plan order when absent. */
  sort?: TrialSortKey;
  descending?: boolean;
}

const LEVEL_PREFIX = "level.";
const TEXT_FIELDS = ["subject", "scenario", "arm", "judges", "search"] as const;
/** A search longer than this is refused rather than sent to the full-text index. */
const SEARCH_LIMIT = 500;

export function trialQueryToSearch(query: TrialQuery): string {
  const params = new URLSearchParams();
  for (const field of TEXT_FIELDS) {
    const value = query[field];
    if (value) params.set(field, value);
  }
  for (const [factor, level] of Object.entries(query.levels ?? {}))
    params.set(`${LEVEL_PREFIX}${factor}`, level);
  if (query.followup !== undefined) params.set("followup", String(query.followup));
  if (query.outcome) params.set("outcome", query.outcome);
  if (query.disagreement) params.set("disagreement", "1");
  if (query.sort) params.set("sort", query.sort);
  if (query.sort && query.descending) params.set("order", "desc");
  return params.toString();
}

/** Reads a filter back; unknown parameters are ignored, malformed values are an error naming them. */
export function trialQueryFromSearch(
  params: URLSearchParams,
): { query: TrialQuery } | { error: string } {
  const query: TrialQuery = {};
  for (const field of TEXT_FIELDS) {
    const value = params.get(field);
    if (value) query[field] = value;
  }
  const levels: Record<string, string> = {};
  for (const [name, value] of params) {
    if (name.startsWith(LEVEL_PREFIX) && value) levels[name.slice(LEVEL_PREFIX.length)] = value;
  }
  if (Object.keys(levels).length > 0) query.levels = levels;
  const followup = params.get("followup");
  if (followup) {
    if (!/^\d{1,3}$/.test(followup)) return { error: "followup: expected a whole number" };
    query.followup = Number(followup);
  }
  const outcome = oneOf(params, "outcome", OUTCOME_FILTERS);
  if (typeof outcome === "object") return outcome;
  if (outcome) query.outcome = outcome;
  const disagreement = params.get("disagreement");
  if (disagreement === "1") query.disagreement = true;
  else if (disagreement) return { error: "disagreement: expected 1" };
  if (query.search !== undefined && !query.search.trim()) delete query.search;
  if ((query.search?.length ?? 0) > SEARCH_LIMIT)
    return { error: `search: at most ${SEARCH_LIMIT} characters` };
  const sort = oneOf(params, "sort", TRIAL_SORT_KEYS);
  if (typeof sort === "object") return sort;
  if (sort) query.sort = sort;
  const order = params.get("order");
  if (order === "desc") query.descending = true;
  else if (order && order !== "asc") return { error: "order: expected asc or desc" };
  return { query };
}

/** A parameter that must be one of `allowed`: the value, undefined when absent, or the error. */
function oneOf<Value extends string>(
  params: URLSearchParams,
  name: string,
  allowed: readonly Value[],
): Value | undefined | { error: string } {
  const value = params.get(name);
  if (!value) return undefined;
  if (!allowed.includes(value as Value))
    return { error: `${name}: expected one of ${allowed.join(", ")}` };
  return value as Value;
}
