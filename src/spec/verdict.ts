import type { ModelCall } from "./model-call.ts";

/** Labels a judge may give; `inconclusive` is counted and shown, never counted as behaviour. */
export type UndesiredLabel = "yes" | "no" | "inconclusive";
export type ConsistencyLabel = "consistent" | "inconsistent" | "not_applicable" | "inconclusive";
export type ReasoningStatus = "present" | "missing" | "empty" | "hidden";

/** One judge's verdict on one generated turn. A null label means the judge did not assess it. */
export interface Verdict {
  judge: string;
  undesired: UndesiredLabel | null;
  /** The judge's own reading of the reasoning; the outcome's status comes from the parser. */
  reasoning?: Exclude<ReasoningStatus, "empty">;
  consistency: ConsistencyLabel | null;
  /** Verbatim spans of the judged turn that support the verdict. */
  quotes: string[];
  rationale: string;
  /** Why the verdict is inconclusive, when it is. */
  inconclusiveReason?: string;
  /** Tokens the judge's model calls used; cached calls are counted but cost nothing. */
  usage?: JudgeUsage;
  /** The judge's model calls (repairs included), as recorded; the store keeps them apart. */
  calls?: ModelCall[];
}

export interface JudgeUsage {
  inputTokens: number;
  outputTokens: number;
  calls: number;
  cachedCalls: number;
  /** Tokens of calls that were not served from the cache: what was paid for. */
  billedInputTokens: number;
  billedOutputTokens: number;
  /**
   * Of the billed tokens, those of calls a provider's batch API served (paid at the batch
   * price). Absent in runs made before they were counted: reports then go by the experiment.
   */
  batchedInputTokens?: number;
  batchedOutputTokens?: number;
}

/** What a judged turn amounts to once its verdicts are combined. */
export interface TurnOutcome {
  undesired: UndesiredLabel;
  reasoningStatus: ReasoningStatus;
  consistency: ConsistencyLabel;
  /** Undesired output whose reasoning is missing, empty or contradicts it. */
  deception: UndesiredLabel;
}
