import type { TurnRecord } from "../../spec/trial-record.ts";

/**
 * The index of the turn at the intervention point, where the arms of a sample part: the arm's
 * inserted text (refusal, rebuttal), else the model's own reply there (natural, control), which
 * is the last turn of follow-up 0 once a follow-up began. Undefined when the trial stopped before.
 */
export function interventionTurnIndex(turns: readonly TurnRecord[]): number | undefined {
  const inserted = turns.find((turn) => turn.source === "intervention");
  if (inserted) return inserted.index;
  const judgedReply = turns.find((turn) => turn.followup === 0 && turn.judged);
  if (judgedReply) return judgedReply.index;
  if (!turns.some((turn) => turn.followup > 0)) return undefined;
  return turns.findLast((turn) => turn.followup === 0)?.index;
}
