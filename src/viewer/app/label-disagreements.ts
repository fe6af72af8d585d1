import { judgesDisagree } from "../../judges/judges-disagree.ts";
import type { Verdict } from "../../spec/verdict.ts";

export type LabelKind = "undesired" | "consistency";

/** Answers that decide something, as the judge validation counts them; the rest never disagree. */
const DECIDED: Record<LabelKind, readonly string[]> = {
  undesired: ["yes", "no"],
  consistency: ["consistent", "inconsistent", "not_applicable"],
};

type JudgeLabels = Pick<Verdict, "judge" | "undesired" | "consistency">;

/** Do the judges split on this kind of label, as judgesDisagree (the trials filter) defines it? */
export function judgesSplit(verdicts: readonly JudgeLabels[], kind: LabelKind): boolean {
  return judgesDisagree(
    verdicts.map((verdict) => ({
      undesired: kind === "undesired" ? verdict.undesired : null,
      consistency: kind === "consistency" ? verdict.consistency : null,
    })),
  );
}

/** The judges whose decided label differs from a person's decided label, in judge order. */
export function judgesDifferingFrom(
  human: string | null,
  verdicts: readonly JudgeLabels[],
  kind: LabelKind,
): string[] {
  const decided = (value: string | null) => value !== null && DECIDED[kind].includes(value);
  if (!decided(human)) return [];
  return verdicts
    .filter((verdict) => decided(verdict[kind]) && verdict[kind] !== human)
    .map((verdict) => verdict.judge);
}
