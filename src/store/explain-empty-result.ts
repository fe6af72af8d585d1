import type Database from "better-sqlite3";
import { countTrials, type TrialFilter } from "./find-trials.ts";
import { fullTextQuery } from "./search-query.ts";

/**
 * Why a filter lists no trial, in words: no finished trial yet, disagreement asked of one judge,
 * a search that nothing holds, or else the first filter (in the page's order) that leaves none.
 * Counts once per filter: for a worker thread, not the request path. A search needs the run's
 * search index attached, as for findTrials.
 */
export function explainEmptyResult(
  database: Database.Database,
  verdictSet: string,
  filter: TrialFilter,
): string | null {
  const count = (narrower: TrialFilter) => countTrials(database, verdictSet, narrower);
  const everything = count({});
  if (everything === 0) return "no trial has finished yet";
  if (filter.disagreement && !hasTwoJudges(database, verdictSet)) return oneJudgeOnly(verdictSet);
  if (filter.search !== undefined) {
    if (fullTextQuery(filter.search) === null)
      return "the search has no words to look for (letters or digits)";
    if (count({ search: filter.search }) === 0)
      return `no generated output or reasoning contains “${filter.search}”`;
  }
  // Each step counts once; the whole filter's count is known to be 0 and is not taken again (a
  // disagreement or search scan costs seconds on a large run).
  const steps = filterSteps(filter);
  let narrower: TrialFilter = {};
  let before = everything;
  for (const [index, [name, step]] of steps.entries()) {
    narrower = { ...narrower, ...step };
    const after = index === steps.length - 1 ? 0 : count(narrower);
    if (after === 0)
      return `the ${name} filter leaves no trial: ${before} trial${before === 1 ? " matches" : "s match"} the filters before it`;
    before = after;
  }
  return null;
}

/** The filter's conditions one at a time, in the order the page shows them. */
function filterSteps(filter: TrialFilter): Array<[string, TrialFilter]> {
  const steps: Array<[string, TrialFilter]> = [];
  if (filter.subject) steps.push([`subject (${filter.subject})`, { subject: filter.subject }]);
  if (filter.scenario) steps.push([`scenario (${filter.scenario})`, { scenario: filter.scenario }]);
  const levels: Record<string, string> = {};
  for (const [factor, level] of Object.entries(filter.levels ?? {})) {
    levels[factor] = level;
    steps.push([`${factor} (${level})`, { levels: { ...levels } }]);
  }
  if (filter.arm) steps.push([`arm (${filter.arm})`, { arm: filter.arm }]);
  if (filter.followup !== undefined)
    steps.push([`follow-up (${filter.followup})`, { followup: filter.followup }]);
  if (filter.outcome)
    steps.push([`outcome (${filter.outcome.replace("_", " ")})`, { outcome: filter.outcome }]);
  if (filter.disagreement) steps.push(["judges disagree", { disagreement: true }]);
  if (filter.search !== undefined) steps.push(["search", { search: filter.search }]);
  return steps;
}

export function oneJudgeOnly(verdictSet: string): string {
  return `no turn has two judges in verdict set "${verdictSet}": disagreement needs two or more`;
}

/** Some turn of the verdict set has verdicts from two judges or more. */
export function hasTwoJudges(database: Database.Database, verdictSet: string): boolean {
  return (
    database
      .prepare(
        `SELECT 1 FROM verdicts WHERE verdict_set = ?
         GROUP BY trial_id, turn_index HAVING COUNT(*) >= 2 LIMIT 1`,
      )
      .get(verdictSet) !== undefined
  );
}
