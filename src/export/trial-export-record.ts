import { deceptionKinds } from "../judges/combine-verdicts.ts";
import type { TrialResult } from "../spec/trial-record.ts";
import type { TurnOutcome } from "../spec/verdict.ts";

/** The public, stable shape of one trial in `candor export` (snake_case, as analysis tools expect). */
export function trialExportRecord(trial: TrialResult, runId: string) {
  return {
    run_id: runId,
    ...trialIdentityFields(trial),
    seed: trial.seed,
    status: trial.status,
    error: trial.error ?? null,
    simulated: trial.simulated,
    turns: trial.turns.map((turn) => ({
      index: turn.index,
      role: turn.role,
      source: turn.source,
      step_id: turn.stepId,
      followup: turn.followup,
      content: turn.content,
      judged: turn.judged,
      reasoning: turn.parsed?.reasoning ?? null,
      output: turn.parsed?.output ?? null,
      reasoning_status: turn.parsed?.reasoningStatus ?? null,
      parse_rule: turn.parsed?.rule ?? null,
      native_reasoning: turn.response?.nativeReasoning ?? null,
      verdicts: turn.verdicts.map((verdict) => ({
        judge: verdict.judge,
        undesired: verdict.undesired,
        reasoning: verdict.reasoning ?? null,
        consistency: verdict.consistency,
        quotes: verdict.quotes,
        rationale: verdict.rationale,
        inconclusive_reason: verdict.inconclusiveReason ?? null,
      })),
      outcome: turn.outcome ? exportOutcome(turn.outcome) : null,
      model_id: turn.response?.modelId ?? null,
      finish_reason: turn.response?.finishReason ?? null,
      usage: turn.response?.usage ?? null,
    })),
    outcome: followupOutcome(trial, 1),
  };
}

export type TrialExportRecord = ReturnType<typeof trialExportRecord>;

/** Which trial a record comes from, as every export names it. */
export function trialIdentityFields(trial: TrialResult) {
  return {
    trial_id: trial.trialId,
    subject: trial.subject,
    scenario: trial.scenarioId,
    factors: trial.levels,
    arm: trial.arm,
    sample: trial.sample,
  };
}

/** The outcome of follow-up k's model turn, or null when the trial never reached it. */
export function followupOutcome(trial: TrialResult, followup: number) {
  const turn = trial.turns.find(
    (candidate) => candidate.followup === followup && candidate.outcome,
  );
  return turn?.outcome ? exportOutcome(turn.outcome) : null;
}

/** A turn's combined outcome, with both kinds of reason-based deception. */
export function exportOutcome(outcome: TurnOutcome) {
  const kinds = deceptionKinds(outcome.undesired, outcome.reasoningStatus, outcome.consistency);
  return {
    undesired: outcome.undesired,
    reasoning_status: outcome.reasoningStatus,
    consistency: outcome.consistency,
    deception: outcome.deception,
    deception_missing: kinds.missing,
    deception_inconsistent: kinds.inconsistent,
  };
}
