import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from "openai";
import type { ChatCompletionCreateParamsNonStreaming } from "openai/resources/chat/completions";
import type { ReasoningEffort } from "../../spec/experiment.ts";
import { InputError } from "../../spec/input-error.ts";
import type {
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
  truncatedStream,
} from "../sdk-failure.ts";
import { wireExchange } from "../wire-exchange.ts";

/** The spec prefixes this provider serves. */
export type OpenAIChatFlavour = "openai" | "ollama" | "openai-compatible";

export interface OpenAIChatModelOptions {
  /** `openai:MODEL`, `ollama:MODEL` or `openai-compatible:MODEL`; the prefix picks the flavour. */
  spec: string;
  model: string;
  /** Resolved by the registry. Servers that need none (Ollama, most local ones) get a placeholder. */
  apiKey?: string | undefined;
  /** Required for `openai-compatible:`; defaults to OpenAI's API and Ollama's local port. */
  baseURL?: string | undefined;
  /** Limit on one whole call, stream included. Default 10 minutes. */
  timeoutMs?: number | undefined;
  /** Stream the reply over SSE and assemble it; the result is the same. */
  stream?: boolean | undefined;
  /**
   * Which field carries `maxTokens`. Default: `max_completion_tokens` for `openai:` (OpenAI's
   * reasoning models reject `max_tokens`), `max_tokens` elsewhere (Ollama, llama.cpp and older
   * vLLM read only `max_tokens`).
   */
  maxTokensField?: "max_completion_tokens" | "max_tokens" | undefined;
  /** Sent as `reasoning_effort` (OpenAI reasoning models, and servers that mimic them). */
  reasoningEffort?: ReasoningEffort | undefined;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_BASE_URLS: Partial<Record<OpenAIChatFlavour, string>> = {
  openai: "https://api.openai.com/v1",
  ollama: "http://127.0.0.1:11434/v1",
};
/** Sent as the key to servers that need none; the SDK refuses to run without one. */
const PLACEHOLDER_KEY = "no-key";

export function createOpenAIChatLanguageModel(options: OpenAIChatModelOptions): LanguageModel {
  return new OpenAIChatLanguageModel(options);
}

/**
 * A model behind the chat-completions API (never the Responses API) of OpenAI, Ollama, vLLM,
 * llama.cpp or any compatible server. SDK retries are off: failures become `ProviderError`s for
 * the one retry layer.
 */
export class OpenAIChatLanguageModel implements LanguageModel {
  readonly spec: string;
  readonly simulated = false;
  readonly flavour: OpenAIChatFlavour;
  readonly #model: string;
  readonly #client: OpenAI;
  readonly #call: CallIdentity;
  readonly #stream: boolean;
  readonly #maxTokensField: "max_completion_tokens" | "max_tokens";
  readonly #reasoningEffort: ReasoningEffort | undefined;

  constructor(options: OpenAIChatModelOptions) {
    this.spec = options.spec;
    this.flavour = flavourOf(options.spec);
    this.#model = options.model;
    const baseURL = options.baseURL ?? DEFAULT_BASE_URLS[this.flavour];
    if (!baseURL) {
      throw new InputError(`${options.spec}: an openai-compatible model needs a base URL`);
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const apiKey = options.apiKey || PLACEHOLDER_KEY;
    this.#call = { spec: options.spec, secrets: options.apiKey ? [options.apiKey] : [], timeoutMs };
    this.#stream = options.stream ?? false;
    this.#reasoningEffort = options.reasoningEffort;
    this.#maxTokensField =
      options.maxTokensField ??
      (this.flavour === "openai" ? "max_completion_tokens" : "max_tokens");
    // Everything explicit, so that no OPENAI_* environment variable changes where calls go.
    this.#client = new OpenAI({
      apiKey,
      baseURL,
      adminAPIKey: null,
      organization: this.flavour === "openai" ? undefined : null,
      project: this.flavour === "openai" ? undefined : null,
      webhookSecret: null,
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
      const reply = this.#stream
        ? await this.#streamed(request, deadline)
        : await this.#whole(request, deadline);
      return { ...reply, latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      throw providerFailure(error, describeOpenAIError(error), deadline, this.#call);
    } finally {
      deadline.dispose();
    }
  }

  /** The body `generate` sends, for a batch API line (`src/providers/batch/`). */
  batchRequestBody(request: GenerateRequest): ChatCompletionCreateParamsNonStreaming {
    return this.#requestBody(request);
  }

  /** A completion returned by the batch API, read exactly as `generate` reads one. */
  readBatchCompletion(completion: unknown): Omit<GenerateResult, "latencyMs"> {
    return this.#readCompletion(completion);
  }

  #requestBody(request: GenerateRequest): ChatCompletionCreateParamsNonStreaming {
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: this.#model,
      messages: request.messages.map((message) => ({
        role: message.role,
        content: message.content,
      })),
      temperature: request.temperature,
    };
    body[this.#maxTokensField] = request.maxTokens;
    // OpenAI's default top_p is 1, and its reasoning models reject the parameter, so 1 stays out
    // there. Local servers default lower (Ollama 0.9, llama.cpp 0.95), so they always get it.
    if (request.topP !== 1 || this.flavour !== "openai") body.top_p = request.topP;
    if (Number.isSafeInteger(request.seed)) body.seed = request.seed;
    if (this.#reasoningEffort) body.reasoning_effort = this.#reasoningEffort;
    if (request.structuredOutput) {
      body.response_format = {
        type: "json_schema",
        json_schema: {
          name: schemaName(request.structuredOutput.name),
          schema: request.structuredOutput.schema,
          strict: request.structuredOutput.strict ?? true,
        },
      };
    }
    return body;
  }

  async #whole(request: GenerateRequest, deadline: CallDeadline): Promise<Reply> {
    const body = this.#requestBody(request);
    const { data: completion, response } = await this.#client.chat.completions
      .create(body, { signal: deadline.signal })
      .withResponse();
    const reply = this.#readCompletion(completion);
    reply.exchange = wireExchange(body, completion, this.#call.secrets);
    return withRateLimitHeaders(reply, response.headers);
  }

  #readCompletion(completion: unknown): Reply {
    const choices = isRecord(completion) ? completion.choices : undefined;
    const choice: unknown = Array.isArray(choices) ? choices[0] : undefined;
    const message = isRecord(choice) ? choice.message : undefined;
    if (!isRecord(completion) || !isRecord(message)) {
      const shape = typeof completion === "string" ? "a non-JSON body" : "no choices[0].message";
      throw malformedResponse(this.#call, `chat completion with ${shape}`);
    }
    const usage = completion.usage;
    const refusal = stringField(message, "refusal");
    const parts: ReplyParts = {
      text: contentText(message.content) || refusal || "",
      reasoning: stringField(message, "reasoning_content") || stringField(message, "reasoning"),
      reasoningTokens: reasoningTokens(usage),
      usage: readUsage(usage, this.#call),
      modelId: stringField(completion, "model"),
      fingerprint: stringField(completion, "system_fingerprint"),
      finishReason: stringField(choice, "finish_reason"),
      metadata: {
        id: stringField(completion, "id"),
        request_id: stringField(completion, "_request_id"),
        refusal: refusal ? true : undefined,
      },
    };
    return this.#reply(parts);
  }

  async #streamed(request: GenerateRequest, deadline: CallDeadline): Promise<Reply> {
    const body = {
      ...this.#requestBody(request),
      stream: true as const,
      stream_options: { include_usage: true },
    };
    const {
      data: stream,
      request_id,
      response,
    } = await this.#client.chat.completions
      .create(body, { signal: deadline.signal })
      .withResponse();
    const assembly = new StreamAssembly(request_id ?? undefined);
    for await (const chunk of stream) assembly.add(chunk, this.#call);
    // The SDK ends the iteration quietly when the signal aborts; the deadline tells why.
    if (deadline.timedOut || deadline.callerAborted) throw new Error("aborted during the stream");
    if (assembly.finishReason === undefined) {
      throw truncatedStream(this.#call, `${assembly.chunks} chunks, no finish_reason`);
    }
    const reply = this.#reply(assembly.parts(this.#call));
    // A stream's chunks are not kept (hundreds per reply); what they assembled into is.
    reply.exchange = wireExchange(body, assembly.summary(), this.#call.secrets);
    return withRateLimitHeaders(reply, response.headers);
  }

  #reply(parts: ReplyParts): Reply {
    if (!parts.text && !parts.reasoning) {
      const tokens = parts.reasoningTokens
        ? `, ${parts.reasoningTokens} hidden reasoning tokens`
        : "";
      throw emptyResponse(
        this.#call,
        `no content, refusal or reasoning; finish_reason ${parts.finishReason ?? "unknown"}${tokens}`,
      );
    }
    const reply: Reply = {
      text: parts.text,
      usage: parts.usage ?? { inputTokens: 0, outputTokens: 0 },
      modelId: parts.modelId || this.#model,
      finishReason: parts.finishReason ?? "unknown",
      metadata: compact({
        ...parts.metadata,
        reasoning_tokens: parts.reasoningTokens,
        usage_missing: parts.usage ? undefined : true,
        stream: this.#stream || undefined,
        reasoning_effort: this.#reasoningEffort,
      }),
    };
    const reasoning = nativeReasoning(parts.reasoning, parts.reasoningTokens);
    if (reasoning) reply.nativeReasoning = reasoning;
    if (parts.fingerprint) reply.fingerprint = parts.fingerprint;
    return reply;
  }
}

type Reply = Omit<GenerateResult, "latencyMs">;

interface ReplyParts {
  text: string;
  reasoning: string | undefined;
  reasoningTokens: number | undefined;
  usage: GenerateResult["usage"] | undefined;
  modelId: string | undefined;
  fingerprint: string | undefined;
  finishReason: string | undefined;
  metadata: Record<string, unknown>;
}

/** Collects content and reasoning deltas, the model, the finish reason and the final usage. */
class StreamAssembly {
  chunks = 0;
  finishReason: string | undefined;
  #text = "";
  #reasoning = "";
  #refusal = "";
  #usage: unknown;
  #model: string | undefined;
  #fingerprint: string | undefined;
  #id: string | undefined;

  constructor(readonly requestId: string | undefined) {}

  add(chunk: unknown, call: CallIdentity): void {
    if (!isRecord(chunk)) throw malformedResponse(call, "a stream chunk that is not an object");
    this.chunks++;
    this.#model ??= stringField(chunk, "model");
    this.#id ??= stringField(chunk, "id");
    this.#fingerprint = stringField(chunk, "system_fingerprint") ?? this.#fingerprint;
    if (isRecord(chunk.usage)) this.#usage = chunk.usage;
    const choice: unknown = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (!isRecord(choice)) return;
    const delta = choice.delta;
    this.#text += isRecord(delta) ? contentText(delta.content) : "";
    this.#reasoning +=
      stringField(delta, "reasoning_content") ?? stringField(delta, "reasoning") ?? "";
    this.#refusal += stringField(delta, "refusal") ?? "";
    this.finishReason = stringField(choice, "finish_reason") ?? this.finishReason;
  }

  /** The stream as one record: its chunk count and what the chunks said, assembled. */
  summary(): Record<string, unknown> {
    return {
      assembled_from_stream_chunks: this.chunks,
      id: this.#id,
      model: this.#model,
      system_fingerprint: this.#fingerprint,
      content: this.#text,
      reasoning: this.#reasoning || undefined,
      refusal: this.#refusal || undefined,
      finish_reason: this.finishReason,
      usage: this.#usage,
    };
  }

  parts(call: CallIdentity): ReplyParts {
    return {
      text: this.#text || this.#refusal,
      reasoning: this.#reasoning || undefined,
      reasoningTokens: reasoningTokens(this.#usage),
      usage: readUsage(this.#usage, call),
      modelId: this.#model,
      fingerprint: this.#fingerprint,
      finishReason: this.finishReason,
      metadata: {
        id: this.#id,
        request_id: this.requestId,
        refusal: this.#refusal ? true : undefined,
      },
    };
  }
}

/**
 * A message's text: a string, or the text of an array of content parts (`{type: "text", text}`,
 * as some compatible servers send), joined; anything else has none.
 */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (typeof part === "string" ? part : (stringField(part, "text") ?? "")))
    .join("");
}

/**
 * Raw reasoning when the server returned it (`reasoning_content` from DeepSeek, vLLM and
 * llama.cpp; `reasoning` from Ollama, OpenRouter and newer vLLM); hidden when the usage counts
 * reasoning tokens but no text came back (OpenAI's o-series and gpt-5); otherwise none.
 */
function nativeReasoning(
  text: string | undefined,
  tokens: number | undefined,
): { text: string; visibility: ReasoningVisibility } | undefined {
  if (text) return { text, visibility: "raw" };
  if (tokens !== undefined && tokens > 0) return { text: "", visibility: "hidden" };
  return undefined;
}

function readUsage(usage: unknown, call: CallIdentity): GenerateResult["usage"] | undefined {
  const inputTokens = tokenCount(usage, "prompt_tokens", call);
  const outputTokens = tokenCount(usage, "completion_tokens", call);
  if (inputTokens === undefined && outputTokens === undefined) return undefined;
  return { inputTokens: inputTokens ?? 0, outputTokens: outputTokens ?? 0 };
}

function reasoningTokens(usage: unknown): number | undefined {
  const details = isRecord(usage) ? usage.completion_tokens_details : undefined;
  return numberField(details, "reasoning_tokens");
}

/** Hands the reply's rate-limit headers to the rate governor (which removes them again). */
function withRateLimitHeaders(reply: Reply, headers: Headers): Reply {
  const rateLimitHeaders = rateLimitHeadersOf(headerRecord(headers));
  return rateLimitHeaders ? { ...reply, rateLimitHeaders } : reply;
}

export function describeOpenAIError(error: unknown): SdkFailure | undefined {
  if (error instanceof APIUserAbortError) return { type: "aborted" };
  if (error instanceof APIConnectionTimeoutError) return { type: "timeout" };
  if (error instanceof APIConnectionError) return { type: "connection" };
  if (!(error instanceof APIError)) return undefined;
  // OpenAI-style bodies: { "error": { "message", "type", "code" } }; the SDK keeps the inner one.
  const body: unknown = error.error;
  const code = stringField(body, "code") ?? numberField(body, "code")?.toString();
  return {
    type: "http",
    status: error.status,
    headers: headerRecord(error.headers),
    errorType: stringField(body, "type"),
    code,
    message: stringField(body, "message") ?? (body === undefined ? undefined : error.message),
    requestId: error.requestID ?? undefined,
  };
}

function flavourOf(spec: string): OpenAIChatFlavour {
  const prefix = spec.slice(0, spec.indexOf(":"));
  if (prefix === "openai" || prefix === "ollama" || prefix === "openai-compatible") return prefix;
  throw new InputError(`${spec}: not an openai, ollama or openai-compatible model`);
}

/** OpenAI allows `^[a-zA-Z0-9_-]{1,64}$` as a response-format name. */
function schemaName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64) || "response";
}

function compact(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
