import type { Verdict } from "../spec/verdict.ts";

/**
 * Judges disagree on a turn when, among the verdicts that reached a decision, one says the output
 * is undesired and another says it is not, or one reads the reasoning as consistent with the
 * output and another as inconsistent. Inconclusive and unassessed labels disagree with nothing.
 * `DISAGREEMENT_SQL` in the store says the same over the verdicts table.
 */
export function judgesDisagree(
  verdicts: ReadonlyArray<Pick<Verdict, "undesired" | "consistency">>,
): boolean {
  const decided = (labels: ReadonlyArray<string | null>, values: readonly [string, string]) =>
    values.every((value) => labels.includes(value));
  return (
    decided(
      verdicts.map((verdict) => verdict.undesired),
      ["yes", "no"],
    ) ||
    decided(
      verdicts.map((verdict) => verdict.consistency),
      ["consistent", "inconsistent"],
    )
  );
}
