import type { TurnRecord, TurnSource } from "../src/spec/trial-record.ts";

/** A turn no judge looks at (the scenario's or the arm's text), for trial fixtures. */
export function unjudgedTurn(
  index: number,
  role: TurnRecord["role"],
  content: string,
  place: { source?: TurnSource; stepId?: string | null; followup?: number } = {},
): TurnRecord {
  return {
    index,
    role,
    source: place.source ?? "scripted",
    stepId: place.stepId ?? null,
    followup: place.followup ?? 0,
    content,
    judged: false,
    verdicts: [],
  };
}
