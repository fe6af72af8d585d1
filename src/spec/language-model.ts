import type { Arm } from "./experiment.ts";
import type { FailedAttempt, WireExchange } from "./model-call.ts";
import type { ReasoningProtocolSpec, StepExamples } from "./scenario.ts";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** How much of a model's own reasoning its provider shows. */
export type ReasoningVisibility = "raw" | "summary" | "hidden" | "none";

/**
 * Where in the experiment a call is made. Real providers ignore it; the simulated subject uses it
 * to choose an outcome at its per-arm rates and to write in the scenario's protocol.
 */
export interface CallContext {
  scenarioId: string;
  stepId: string;
  arm: Arm;
  /** 0 before and at the intervention point, then 1..K for the follow-ups. */
  followup: number;
  phase: "before-intervention" | "intervention" | "followup" | "pressure";
  /** For the pressure phase: the scenario's instruction for the next user turn. */
  instruction?: string;
  protocol: ReasoningProtocolSpec;
  examples: StepExamples | undefined;
  variables: Readonly<Record<string, string>>;
}

export interface GenerateRequest {
  messages: readonly ChatMessage[];
  temperature: number;
  topP: number;
  maxTokens: number;
  /** Shared by every arm of one sample, so that arms branch from the same prefix. */
  seed: number;
  sampleIndex: number;
  context?: CallContext;
  /**
   * Ask for a JSON reply matching this JSON Schema (judges): `response_format` on OpenAI-style
   * servers, a forced tool on Anthropic, grammar-constrained decoding for GGUF.
   */
  structuredOutput?: {
    name: string;
    schema: Record<string, unknown>;
    /**
     * OpenAI's strict mode (the default) decodes exactly the schema but accepts only a subset of
     * JSON Schema (every property required, no open records); false asks for best effort, for
     * schemas outside that subset (a whole scenario).
     */
    strict?: boolean;
  };
  /** Aborts the call (timeouts, Ctrl-C). */
  signal?: AbortSignal;
}

export interface GenerateResult {
  text: string;
  /** The model's native reasoning, when its provider returns it apart from the text. */
  nativeReasoning?: { text: string; visibility: ReasoningVisibility };
  usage: { inputTokens: number; outputTokens: number };
  /** The model id the provider reported (an alias may resolve to a dated snapshot). */
  modelId: string;
  /** The provider's build fingerprint, when it gives one (OpenAI `system_fingerprint`). */
  fingerprint?: string;
  finishReason: string;
  latencyMs: number;
  /** Provider-specific facts worth keeping with the raw response (never secrets). */
  metadata?: Record<string, unknown>;
  /**
   * The reply's rate-limit headers only (`x-ratelimit-*`, `anthropic-ratelimit-*`, `retry-after`),
   * for the rate governor, which removes them before the result goes on (they are never stored).
   */
  rateLimitHeaders?: Readonly<Record<string, string>>;
  /** The request and response bodies, from providers that talk to a server (never headers). */
  exchange?: WireExchange;
  /** Attempts that failed before this reply, added by the retry layer. */
  failedAttempts?: FailedAttempt[];
}

/** A subject or judge model. */
export interface LanguageModel {
  /** The spec it was made from, e.g. `sim:default` or `openai:gpt-4o`. */
  readonly spec: string;
  readonly simulated: boolean;
  generate(request: GenerateRequest): Promise<GenerateResult>;
}
