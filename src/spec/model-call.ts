import type { ChatMessage, GenerateRequest, GenerateResult } from "./language-model.ts";

/**
 * What went over the wire for one call: the request body the provider's SDK sent and the response
 * body as the SDK parsed it (a chat completion, an Anthropic message; for a stream, the assembled
 * summary). Never headers, never a key.
 */
export interface WireExchange {
  request: unknown;
  response: unknown;
}

/** An attempt that failed before the call's last one; the retry layer keeps these. */
export interface FailedAttempt {
  /** The provider error's message (providers redact secrets from it). */
  error: string;
  kind: string;
  status?: number;
  /** The base URL that failed (never a key). */
  endpoint?: string;
  /** How long the retry layer waited before the next attempt. */
  waitMs: number;
}

/** The settings a call asked for, as the runner or judge passed them to the model. */
export interface CallSettings {
  temperature: number;
  top_p: number;
  max_tokens: number;
  seed: number;
  sample_index: number;
  /** The structured output's name (judges ask for `verdict`). */
  structured_output?: string;
}

/** One model call: what was asked, what came back, and how it went. */
export interface ModelCall {
  messages: ChatMessage[];
  settings: CallSettings;
  /** The reply's text (the judge's raw reply; the subject's turn). */
  reply: string;
  /** Usage, latency, model id, finish reason and metadata (endpoint, cached), as a turn keeps them. */
  response: CallResponse;
  /** Absent for simulated and local models, which have no wire. */
  exchange?: WireExchange;
  failedAttempts?: FailedAttempt[];
}

export type CallResponse = Omit<
  GenerateResult,
  "text" | "exchange" | "failedAttempts" | "rateLimitHeaders"
>;

/** A result without its text and its call record: what a turn keeps as its `response`. */
export function callResponseOf(result: GenerateResult): CallResponse {
  const {
    text: _text,
    exchange: _exchange,
    failedAttempts: _failed,
    rateLimitHeaders: _headers,
    ...response
  } = result;
  return response;
}

/** The record of one call made with `request` that returned `result`. */
export function modelCallOf(request: GenerateRequest, result: GenerateResult): ModelCall {
  const settings: CallSettings = {
    temperature: request.temperature,
    top_p: request.topP,
    max_tokens: request.maxTokens,
    seed: request.seed,
    sample_index: request.sampleIndex,
  };
  if (request.structuredOutput) settings.structured_output = request.structuredOutput.name;
  const call: ModelCall = {
    messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
    settings,
    reply: result.text,
    response: callResponseOf(result),
  };
  if (result.exchange) call.exchange = result.exchange;
  if (result.failedAttempts?.length) call.failedAttempts = result.failedAttempts;
  return call;
}
