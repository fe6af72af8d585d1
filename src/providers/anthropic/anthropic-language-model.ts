import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from "@anthropic-ai/sdk";
import type {
  MessageCreateParamsNonStreaming,
  MessageParam,
  TextBlockParam,
  Tool,
} from "@anthropic-ai/sdk/resources/messages";
import { InputError } from "../../spec/input-error.ts";
import type {
  ChatMessage,
  GenerateRequest,
  GenerateResult,
  LanguageModel,
  ReasoningVisibility,
} from "../../spec/language-model.ts";
import { nodeHttpFetch } from "../http/node-http-fetch.ts";
import { rateLimitHeadersOf } from "../provider-error.ts";
import {
  CallDeadline,
  type CallIdentity,
  emptyResponse,
  headerRecord,
  isRecord,
  malformedResponse,
  numberField,
  providerFailure,
  type SdkFailure,
  stringField,
  tokenCount,
} from "../sdk-failure.ts";
import { wireExchange } from "../wire-exchange.ts";

/** Extended thinking, as the Messages API takes it. Left out, the model's default applies. */
export type AnthropicThinking =
  | {
      type: "enabled";
      /** At least 1024. Added to `maxTokens`, so the visible reply keeps its whole budget. */
      budgetTokens: number;
      /** `summarized` makes the provider report reasoning as a summary; `omitted` hides it. */
      display?: "summarized" | "omitted";
    }
  | { type: "adaptive"; display?: "summarized" | "omitted" };

export interface AnthropicModelOptions {
  /** `anthropic:MODEL`. */
  spec: string;
  model: string;
  /** Resolved by the registry; sent by the SDK as `Authorization: Bearer …`. */
  apiKey?: string | undefined;
  /** Defaults to `https://api.anthropic.com`. */
  baseURL?: string | undefined;
  /** Limit on one whole call. Default 10 minutes. */
  timeoutMs?: number | undefined;
  thinking?: AnthropicThinking | undefined;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_BASE_URL = "https://api.anthropic.com";
/** The SDK refuses to run without a credential (and would otherwise read env and profiles). */
const PLACEHOLDER_KEY = "no-key";

export function createAnthropicLanguageModel(options: AnthropicModelOptions): LanguageModel {
  return new AnthropicLanguageModel(options);
}

/**
 * A Claude model behind the Messages API. SDK retries are off: failures become `ProviderError`s
 * for the one retry layer. Claude takes no seed, so `request.seed` is not sent.
 */
export class AnthropicLanguageModel implements LanguageModel {
  readonly spec: string;
  readonly simulated = false;
  readonly #model: string;
  readonly #client: Anthropic;
  readonly #call: CallIdentity;
  readonly #thinking: AnthropicThinking | undefined;

  constructor(options: AnthropicModelOptions) {
    if (!options.spec.startsWith("anthropic:")) {
      throw new InputError(`${options.spec}: not an anthropic model`);
    }
    this.spec = options.spec;
    this.#model = options.model;
    this.#thinking = options.thinking;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#call = { spec: options.spec, secrets: options.apiKey ? [options.apiKey] : [], timeoutMs };
    this.#client = new Anthropic({
      apiKey: options.apiKey || PLACEHOLDER_KEY,
      baseURL: options.baseURL ?? DEFAULT_BASE_URL,
      webhookKey: null,
      maxRetries: 0,
      timeout: timeoutMs,
      logLevel: "off",
      fetch: nodeHttpFetch,
    });
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const deadline = new CallDeadline(this.#call.timeoutMs, request.signal);
    const started = performance.now();
    try {
      const body = this.#requestBody(request);
      const { data: message, response } = await this.#client.messages
        .create(body, { signal: deadline.signal })
        .withResponse();
      const result = {
        ...this.#readMessage(message, request),
        latencyMs: elapsed(started),
        exchange: wireExchange(body, message, this.#call.secrets),
      };
      // Handed to the rate governor, which removes them before the result goes on.
      const rateLimitHeaders = rateLimitHeadersOf(headerRecord(response.headers));
      return rateLimitHeaders ? { ...result, rateLimitHeaders } : result;
    } catch (error) {
      throw providerFailure(error, describeAnthropicError(error), deadline, this.#call);
    } finally {
      deadline.dispose();
    }
  }

  /** The body `generate` sends, for a Message Batches request (`src/providers/batch/`). */
  batchRequestBody(request: GenerateRequest): MessageBody {
    return this.#requestBody(request);
  }

  /** A message returned by Message Batches, read exactly as `generate` reads one. */
  readBatchMessage(message: unknown, request: GenerateRequest): Omit<GenerateResult, "latencyMs"> {
    return this.#readMessage(message, request);
  }

  #requestBody(request: GenerateRequest): MessageBody {
    const system = request.messages.filter((message) => message.role === "system");
    const body: MessageBody = {
      model: this.#model,
      max_tokens: request.maxTokens,
      messages: mergeTurns(request.messages),
    };
    if (system.length > 0) body.system = textContent(system);
    const structured = request.structuredOutput;
    // Forcing a tool and extended thinking exclude each other, so a structured call never thinks.
    const thinking = structured ? undefined : this.#thinking;
    if (structured) {
      const name = toolName(structured.name);
      body.tools = [
        {
          name,
          description: "Record the answer. Its input is the whole reply.",
          input_schema: structured.schema as Tool.InputSchema,
        },
      ];
      body.tool_choice = { type: "tool", name };
    }
    if (thinking) {
      // Thinking needs the default sampling (temperature 1), so none is sent.
      body.thinking =
        thinking.type === "enabled"
          ? { type: "enabled", budget_tokens: thinking.budgetTokens, display: thinking.display }
          : { type: "adaptive", display: thinking.display };
      if (thinking.type === "enabled") body.max_tokens = request.maxTokens + thinking.budgetTokens;
    } else {
      // Sent only when not the default 1: this SDK's types no longer have them, and newer Claude
      // models reject them (temperature outright, or temperature and top_p together), so a
      // non-default value fails loudly with the server's 400 instead of being dropped unseen.
      if (request.temperature !== 1) body.temperature = request.temperature;
      if (request.topP !== 1) body.top_p = request.topP;
    }
    return body;
  }

  #readMessage(message: unknown, request: GenerateRequest): Omit<GenerateResult, "latencyMs"> {
    const content = isRecord(message) ? message.content : undefined;
    if (!isRecord(message) || !Array.isArray(content)) {
      const shape = typeof message === "string" ? "a non-JSON body" : "no content array";
      throw malformedResponse(this.#call, `message with ${shape}`);
    }
    const blocks = readBlocks(
      content,
      request.structuredOutput && toolName(request.structuredOutput.name),
    );
    if (!blocks.text && !blocks.thinking && blocks.toolInput === undefined) {
      throw emptyResponse(
        this.#call,
        `no text, thinking or tool_use block; stop_reason ${stringField(message, "stop_reason") ?? "unknown"}`,
      );
    }
    const usage = message.usage;
    const thinkingTokens = numberField(
      isRecord(usage) ? usage.output_tokens_details : undefined,
      "thinking_tokens",
    );
    const result: Omit<GenerateResult, "latencyMs"> = {
      text:
        request.structuredOutput && blocks.toolInput !== undefined
          ? JSON.stringify(blocks.toolInput)
          : blocks.text,
      usage: {
        inputTokens:
          (tokenCount(usage, "input_tokens", this.#call) ?? 0) +
          (tokenCount(usage, "cache_creation_input_tokens", this.#call) ?? 0) +
          (tokenCount(usage, "cache_read_input_tokens", this.#call) ?? 0),
        outputTokens: tokenCount(usage, "output_tokens", this.#call) ?? 0,
      },
      modelId: stringField(message, "model") || this.#model,
      finishReason: stringField(message, "stop_reason") ?? "unknown",
      metadata: compact({
        id: stringField(message, "id"),
        request_id: stringField(message, "_request_id"),
        thinking: this.#thinking && !request.structuredOutput ? this.#thinking.type : undefined,
        thinking_budget:
          this.#thinking?.type === "enabled" && !request.structuredOutput
            ? this.#thinking.budgetTokens
            : undefined,
        thinking_tokens: thinkingTokens,
        redacted_thinking_blocks: blocks.redacted || undefined,
        structured_output_missing:
          request.structuredOutput && blocks.toolInput === undefined ? true : undefined,
        usage_missing: isRecord(usage) ? undefined : true,
      }),
    };
    const reasoning = this.#nativeReasoning(blocks, thinkingTokens);
    if (reasoning) result.nativeReasoning = reasoning;
    return result;
  }

  /**
   * Thinking text is raw, or a summary when the request asked for summarized display; thinking
   * that came back redacted, omitted (empty text) or only as a token count is hidden.
   */
  #nativeReasoning(
    blocks: ReadBlocks,
    thinkingTokens: number | undefined,
  ): { text: string; visibility: ReasoningVisibility } | undefined {
    if (blocks.thinking) {
      const summarized = this.#thinking?.display === "summarized" || blocks.summarized;
      return { text: blocks.thinking, visibility: summarized ? "summary" : "raw" };
    }
    const hiddenTokens = thinkingTokens !== undefined && thinkingTokens > 0;
    if (blocks.redacted > 0 || blocks.emptyThinking > 0 || hiddenTokens) {
      return { text: "", visibility: "hidden" };
    }
    return undefined;
  }
}

/** The SDK's parameters plus the sampling settings its types dropped (the API still reads them). */
export type MessageBody = MessageCreateParamsNonStreaming & {
  temperature?: number;
  top_p?: number;
};

interface ReadBlocks {
  text: string;
  thinking: string;
  /** A thinking block that marks itself as a summary (not in today's wire format, but cheap). */
  summarized: boolean;
  emptyThinking: number;
  redacted: number;
  toolInput: unknown;
}

/** Reads the content blocks; unknown block types are skipped, never fatal. */
function readBlocks(content: readonly unknown[], tool: string | undefined): ReadBlocks {
  const read: ReadBlocks = {
    text: "",
    thinking: "",
    summarized: false,
    emptyThinking: 0,
    redacted: 0,
    toolInput: undefined,
  };
  const thoughts: string[] = [];
  for (const block of content) {
    const type = stringField(block, "type");
    if (type === "text") read.text += stringField(block, "text") ?? "";
    else if (type === "thinking") {
      const thinking = stringField(block, "thinking") ?? "";
      if (thinking) thoughts.push(thinking);
      else read.emptyThinking++;
      if (stringField(block, "display") === "summarized") read.summarized = true;
    } else if (type === "redacted_thinking") read.redacted++;
    else if (type === "tool_use" && isRecord(block) && read.toolInput === undefined) {
      if (tool === undefined || block.name === tool) read.toolInput = block.input;
    }
  }
  read.thinking = thoughts.join("\n\n");
  return read;
}

/** System messages leave the turns (they go to `system`); consecutive same-role turns merge. */
function mergeTurns(messages: readonly ChatMessage[]): MessageParam[] {
  const groups: { role: "user" | "assistant"; messages: ChatMessage[] }[] = [];
  for (const message of messages) {
    if (message.role === "system") continue;
    const last = groups.at(-1);
    if (last?.role === message.role) last.messages.push(message);
    else groups.push({ role: message.role, messages: [message] });
  }
  return groups.map((group) => ({ role: group.role, content: textContent(group.messages) }));
}

/** One message's text as a string; several as separate text blocks, so no separator is made up. */
function textContent(messages: readonly ChatMessage[]): string | TextBlockParam[] {
  if (messages.length === 1) return messages[0]?.content ?? "";
  return messages.map((message) => ({ type: "text", text: message.content }));
}

export function describeAnthropicError(error: unknown): SdkFailure | undefined {
  if (error instanceof APIUserAbortError) return { type: "aborted" };
  if (error instanceof APIConnectionTimeoutError) return { type: "timeout" };
  if (error instanceof APIConnectionError) return { type: "connection" };
  if (!(error instanceof APIError)) return undefined;
  // Anthropic bodies: { "type": "error", "error": { "type", "message" } }.
  return {
    type: "http",
    status: error.status,
    headers: withAnthropicReset(headerRecord(error.headers)),
    errorType: error.type ?? undefined,
    code: error.errorCode ?? undefined,
    message: error.apiMessage ?? (error.error === undefined ? undefined : error.message),
    requestId: error.requestID ?? undefined,
  };
}

/**
 * Anthropic sends `retry-after` on 429; when only its RFC 3339 `anthropic-ratelimit-requests-reset`
 * came, it becomes a `retry-after-ms` for `retryAfterFromHeaders`.
 */
function withAnthropicReset(headers: Record<string, string>): Record<string, string> {
  const reset = headers["anthropic-ratelimit-requests-reset"];
  if (headers["retry-after"] || headers["retry-after-ms"] || reset === undefined) return headers;
  const at = Date.parse(reset);
  if (!Number.isFinite(at)) return headers;
  return { ...headers, "retry-after-ms": String(Math.max(0, at - Date.now())) };
}

/** Tool names allow `^[a-zA-Z0-9_-]{1,64}$`. */
function toolName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64) || "response";
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

function compact(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
