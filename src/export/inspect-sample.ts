import {
  judgeBatchedTokens,
  servedCost,
  standardPriceOf,
  turnCost,
} from "../providers/price-table.ts";
import type { ModelSettings } from "../spec/experiment.ts";
import type { TrialResult, TurnRecord } from "../spec/trial-record.ts";
import type { UndesiredLabel, Verdict } from "../spec/verdict.ts";
import { inspectSampleId } from "./inspect-log-header.ts";
import { exportOutcome } from "./trial-export-record.ts";

/** Inspect's `ModelUsage`: tokens and dollars (null when the price is unknown). */
export interface InspectModelUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  input_tokens_cache_write: null;
  input_tokens_cache_read: null;
  reasoning_tokens: null;
  total_cost: number | null;
}

type Settings = Readonly<Record<string, ModelSettings>>;

/**
 * One trial as an Inspect `EvalSample`: id = the scenario cell and arm, epoch = the sample index
 * + 1 (repeats of one dataset sample are Inspect's epochs), the whole conversation as messages
 * with the intervention turn marked, and one score per judged turn, keyed `followup_K`.
 */
export function inspectSample(trial: TrialResult, settings: Settings): Record<string, unknown> {
  const messages = trial.turns.map((turn) => inspectMessage(trial, turn));
  const interventionAt = trial.turns.findIndex((turn) => turn.stepId === "intervention");
  const lastGenerated = [...trial.turns].reverse().find((turn) => turn.source === "generated");
  const latencies = trial.turns.flatMap((turn) => (turn.response ? [turn.response.latencyMs] : []));
  return {
    id: inspectSampleId(trial.scenarioId, trial.levels, trial.arm),
    epoch: trial.sample + 1,
    input: interventionAt > 0 ? messages.slice(0, interventionAt) : messages.slice(0, 1),
    choices: null,
    target: "",
    sandbox: null,
    files: null,
    setup: null,
    messages,
    output: modelOutput(trial, lastGenerated, settings),
    scores: sampleScores(trial),
    metadata: sampleMetadata(trial),
    store: {},
    events: [],
    timelines: null,
    model_usage: sampleModelUsage(trial, settings),
    role_usage: {},
    started_at: null,
    completed_at: null,
    total_time: latencies.length ? latencies.reduce((sum, ms) => sum + ms, 0) / 1000 : null,
    working_time: null,
    uuid: null,
    invalidation: null,
    error:
      trial.status === "error"
        ? { message: trial.error ?? "the trial ended in error", traceback: "", traceback_ansi: "" }
        : null,
    error_retries: null,
    attachments: {},
    events_data: null,
    limit: null,
  };
}

function sampleMetadata(trial: TrialResult): Record<string, unknown> {
  const factors = Object.fromEntries(
    Object.entries(trial.levels).map(([factor, level]) => [`factor_${factor}`, level]),
  );
  return {
    trial_id: trial.trialId,
    scenario: trial.scenarioId,
    ...factors,
    arm: trial.arm,
    sample: trial.sample,
    seed: trial.seed,
    simulated: trial.simulated,
    status: trial.status,
    prefix_hash: trial.prefixHash ?? null,
  };
}

function inspectMessage(trial: TrialResult, turn: TurnRecord): Record<string, unknown> {
  const metadata = {
    turn_index: turn.index,
    candor_source: turn.source,
    step_id: turn.stepId,
    followup: turn.followup,
    judged: turn.judged,
    intervention: turn.stepId === "intervention",
    ...(turn.stepId === "intervention" ? { arm: trial.arm } : {}),
  };
  const common = {
    id: `${trial.trialId}-${turn.index}`,
    content: messageContent(turn),
    source: turn.source === "generated" ? "generate" : "input",
    metadata,
  };
  if (turn.role === "system") return { ...common, role: "system" };
  if (turn.role === "user") return { ...common, role: "user", tool_call_id: null };
  return {
    ...common,
    role: "assistant",
    tool_calls: null,
    model: turn.source === "generated" ? trial.subject : null,
  };
}

/** Plain text, or the provider's separate reasoning as Inspect's reasoning content before it. */
function messageContent(turn: TurnRecord): string | Array<Record<string, unknown>> {
  const native = turn.response?.nativeReasoning;
  if (!native?.text) return turn.content;
  return [
    {
      internal: null,
      type: "reasoning",
      reasoning: native.text,
      summary: null,
      signature: null,
      redacted: native.visibility === "hidden",
    },
    { internal: null, type: "text", text: turn.content, refusal: null, citations: null },
  ];
}

function modelOutput(
  trial: TrialResult,
  turn: TurnRecord | undefined,
  settings: Settings,
): Record<string, unknown> {
  if (!turn?.response) {
    return {
      model: trial.subject,
      choices: [],
      completion: "",
      usage: null,
      time: null,
      metadata: null,
      error: trial.error ?? null,
    };
  }
  const message = inspectMessage(trial, turn);
  return {
    model: turn.response.modelId || trial.subject,
    choices: [{ message, stop_reason: stopReason(turn.response.finishReason), logprobs: null }],
    completion: turn.content,
    usage: turnUsage(trial.subject, turn, settings),
    time: turn.response.latencyMs / 1000,
    metadata: null,
    error: null,
  };
}

function stopReason(finishReason: string): string {
  if (finishReason === "stop" || finishReason === "end_turn") return "stop";
  if (finishReason === "length" || finishReason === "max_tokens") return "max_tokens";
  if (finishReason === "content_filter") return "content_filter";
  return "unknown";
}

function sampleScores(trial: TrialResult): Record<string, unknown> | null {
  const scores: Record<string, unknown> = {};
  for (const turn of trial.turns) {
    const outcome = turn.outcome;
    if (!outcome) continue;
    const base = `followup_${turn.followup}`;
    const name = base in scores ? `${base}_${turn.stepId ?? turn.index}` : base;
    scores[name] = {
      value: {
        undesired: asNumber(outcome.undesired),
        deception: asNumber(outcome.deception),
        missing_reasoning: missingReasoning(outcome.reasoningStatus),
      },
      answer: turn.parsed?.output ?? turn.content,
      explanation: turn.verdicts.map(verdictExplanation).join("\n\n"),
      metadata: {
        turn_index: turn.index,
        step_id: turn.stepId,
        followup: turn.followup,
        ...exportOutcome(outcome),
        verdicts: turn.verdicts.map((verdict) => ({
          judge: verdict.judge,
          undesired: verdict.undesired,
          consistency: verdict.consistency,
          quotes: verdict.quotes,
          rationale: verdict.rationale,
          inconclusive_reason: verdict.inconclusiveReason ?? null,
        })),
      },
      history: [],
    };
  }
  return Object.keys(scores).length > 0 ? scores : null;
}

function verdictExplanation(verdict: Verdict): string {
  const labels = `undesired: ${verdict.undesired ?? "not assessed"}, consistency: ${verdict.consistency ?? "not assessed"}`;
  const quotes = verdict.quotes.map((quote) => `> ${quote.replace(/\n/g, "\n> ")}`);
  const reason = verdict.inconclusiveReason ? ` (inconclusive: ${verdict.inconclusiveReason})` : "";
  return [`${verdict.judge}: ${labels}${reason}. ${verdict.rationale}`.trim(), ...quotes].join(
    "\n",
  );
}

/** 1 yes, 0 no, null inconclusive: Inspect's mean-style reducers then skip the undecided. */
function asNumber(label: UndesiredLabel): number | null {
  return label === "yes" ? 1 : label === "no" ? 0 : null;
}

function missingReasoning(status: string): number | null {
  if (status === "missing" || status === "empty") return 1;
  return status === "hidden" ? null : 0;
}

/** The subject's tokens over its generated turns and each model judge's over its verdicts. */
function sampleModelUsage(
  trial: TrialResult,
  settings: Settings,
): Record<string, InspectModelUsage> {
  const usage: Record<string, InspectModelUsage> = {};
  for (const turn of trial.turns) {
    if (turn.response) addUsage(usage, trial.subject, turnUsage(trial.subject, turn, settings));
    for (const verdict of turn.verdicts) {
      if (!verdict.usage) continue;
      const price = standardPriceOf(verdict.judge, settings[verdict.judge]);
      const billed = {
        inputTokens: verdict.usage.billedInputTokens,
        outputTokens: verdict.usage.billedOutputTokens,
      };
      const batched = judgeBatchedTokens(verdict.usage, settings[verdict.judge]);
      addUsage(usage, verdict.judge, {
        ...usageOf(verdict.usage.inputTokens, verdict.usage.outputTokens),
        total_cost: price ? servedCost(price, billed, batched) : null,
      });
    }
  }
  return usage;
}

function turnUsage(subject: string, turn: TurnRecord, settings: Settings): InspectModelUsage {
  const response = turn.response;
  if (!response) return usageOf(0, 0);
  const price = standardPriceOf(subject, settings[subject]);
  return {
    ...usageOf(response.usage.inputTokens, response.usage.outputTokens),
    total_cost: turnCost(price, response),
  };
}

/** Inspect's usage record; candor knows no cache or reasoning split, so those are null. */
export function usageOf(
  input: number,
  output: number,
  totalCost: number | null = 0,
): InspectModelUsage {
  return {
    input_tokens: input,
    output_tokens: output,
    total_tokens: input + output,
    input_tokens_cache_write: null,
    input_tokens_cache_read: null,
    reasoning_tokens: null,
    total_cost: totalCost,
  };
}

/** Adds usage into a per-model total; a cost unknown anywhere makes the total unknown. */
function addUsage(
  totals: Record<string, InspectModelUsage>,
  model: string,
  usage: InspectModelUsage,
): void {
  const sum = totals[model];
  if (!sum) {
    totals[model] = { ...usage };
    return;
  }
  sum.input_tokens += usage.input_tokens;
  sum.output_tokens += usage.output_tokens;
  sum.total_tokens += usage.total_tokens;
  sum.total_cost =
    sum.total_cost === null || usage.total_cost === null ? null : sum.total_cost + usage.total_cost;
}
