/**
 * A loopback server speaking OpenAI's chat-completions wire format (`POST /v1/chat/completions`,
 * plain JSON and SSE), for tests and benchmarks of the OpenAI-style providers. No network beyond
 * 127.0.0.1; no real key is ever needed.
 */
import type { ServerResponse } from "node:http";
import {
  type CommonBehaviour,
  countWords,
  deltas,
  type ErrorDetails,
  type Exchange,
  lastMessageText,
  type RecordedRequest,
  type RunningStub,
  type StubDialect,
  type StubOptions,
  startStubServer,
  writeJson,
} from "./stub-http-server.ts";

export type { RecordedRequest, RunningStub } from "./stub-http-server.ts";

export interface OpenAIReply {
  type: "reply";
  /** Default: `echo: ` and the last message's text; a JSON object `{ "echo": … }` when the
   * request asked for `response_format: json_schema`. */
  content?: string | null | OpenAIContentPart[];
  /** Sent as `message.reasoning_content` (DeepSeek, vLLM, llama.cpp). */
  reasoningContent?: string;
  /** Sent as `message.reasoning` (Ollama, OpenRouter, newer vLLM). */
  reasoning?: string;
  /** `usage.completion_tokens_details.reasoning_tokens` (OpenAI reasoning models). */
  reasoningTokens?: number;
  refusal?: string;
  /** The model the server reports; default: the requested one. */
  model?: string;
  /** Default `fp_stub`; null leaves it out. */
  systemFingerprint?: string | null;
  /** Default `stop`. */
  finishReason?: string;
  /** Default: words of the messages and of the reply; null sends no usage at all. */
  usage?: { promptTokens: number; completionTokens: number } | null;
  delayMs?: number;
}

/** A part of an array `content`, as some compatible servers send it. */
export type OpenAIContentPart = { type: string; text?: string; [field: string]: unknown };

export type OpenAIStubBehaviour =
  | OpenAIReply
  | CommonBehaviour
  /** For `stream: true`: a few chunks, then the stream ends without finish_reason or [DONE]. */
  | {
      type: "truncated-stream";
      /** Content chunks sent before the end (default 2). */
      afterChunks?: number;
      /** `end` closes the response cleanly; `destroy` resets the socket. Default `end`. */
      ending?: "end" | "destroy";
      content?: string;
    }
  /** For `stream: true`: a few chunks, then an `{ "error": … }` event, as vLLM sends mid-stream. */
  | { type: "stream-error"; afterChunks?: number; message?: string; code?: string | number };

export type OpenAIStubOptions = StubOptions<OpenAIStubBehaviour>;

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "invalid_request_error",
  403: "permission_denied",
  404: "not_found_error",
  429: "rate_limit_exceeded",
};

const ERROR_CODES: Record<number, string> = {
  401: "invalid_api_key",
  429: "rate_limit_exceeded",
};

const dialect: StubDialect<OpenAIStubBehaviour> = {
  path: "/v1/chat/completions",
  baseURLSuffix: "/v1",
  defaultBehaviour: () => ({ type: "reply" }),
  presentedKey: (request) => request.headers.authorization?.replace(/^Bearer /, ""),
  errorType: (status) => ERROR_TYPES[status] ?? (status >= 500 ? "server_error" : "api_error"),
  writeError(response: ServerResponse, status: number, details: ErrorDetails) {
    const code = details.code === undefined ? (ERROR_CODES[status] ?? null) : details.code;
    writeJson(
      response,
      status,
      {
        error: {
          message: details.message,
          type: details.errorType ?? this.errorType(status),
          param: null,
          code,
        },
      },
      { "x-request-id": `req_stub_${status}` },
    );
  },
  rateLimitHeaders: (seconds) => ({
    "retry-after": String(seconds),
    "x-ratelimit-reset-requests": `${seconds}s`,
  }),
  async respond(behaviour, request, exchange) {
    const streaming = isStreaming(request);
    switch (behaviour.type) {
      case "reply":
        return streaming
          ? writeStream(exchange, request, behaviour)
          : writeCompletion(exchange.response, request, behaviour);
      case "malformed":
        return writeMalformed(exchange.response, streaming, behaviour);
      case "truncated-stream":
        return writeTruncatedStream(exchange, request, behaviour);
      case "stream-error":
        return writeStreamError(exchange, request, behaviour);
      default:
        throw new Error(`the OpenAI stub cannot play ${behaviour.type}`);
    }
  },
};

export function startOpenAIStub(options: OpenAIStubOptions = {}): Promise<RunningStub> {
  return startStubServer(dialect, options);
}

function isStreaming(request: RecordedRequest): boolean {
  return (request.body as { stream?: unknown } | undefined)?.stream === true;
}

/** The text of a content, for usage counts and stream deltas. */
function contentText(content: string | null | OpenAIContentPart[]): string {
  if (Array.isArray(content)) return content.map((part) => part.text ?? "").join("");
  return content ?? "";
}

function replyContent(
  request: RecordedRequest,
  reply: OpenAIReply,
): string | null | OpenAIContentPart[] {
  if (reply.content !== undefined) return reply.content;
  const echo = lastMessageText(request.body);
  const format = (request.body as { response_format?: { type?: unknown } }).response_format;
  return format?.type === "json_schema" ? JSON.stringify({ echo }) : `echo: ${echo}`;
}

function usageOf(
  request: RecordedRequest,
  reply: OpenAIReply,
  content: string | null | OpenAIContentPart[],
) {
  if (reply.usage === null) return undefined;
  const messages = (request.body as { messages?: { content?: unknown }[] }).messages ?? [];
  const promptTokens =
    reply.usage?.promptTokens ??
    messages.reduce((sum, message) => sum + countWords(String(message.content ?? "")), 0);
  const reasoningTokens = reply.reasoningTokens ?? 0;
  const completionTokens =
    reply.usage?.completionTokens ??
    countWords(`${contentText(content)} ${reply.reasoningContent ?? reply.reasoning ?? ""}`) +
      reasoningTokens;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    completion_tokens_details: { reasoning_tokens: reasoningTokens },
  };
}

function envelope(request: RecordedRequest, reply: OpenAIReply, object: string) {
  const model = reply.model ?? String((request.body as { model?: unknown }).model ?? "stub");
  const fingerprint = reply.systemFingerprint === undefined ? "fp_stub" : reply.systemFingerprint;
  return {
    id: `chatcmpl-stub-${request.receivedAt}`,
    object,
    created: Math.floor(request.receivedAt / 1000),
    model,
    ...(fingerprint === null ? {} : { system_fingerprint: fingerprint }),
  };
}

function writeCompletion(response: ServerResponse, request: RecordedRequest, reply: OpenAIReply) {
  const content = replyContent(request, reply);
  const message: Record<string, unknown> = {
    role: "assistant",
    content,
    refusal: reply.refusal ?? null,
  };
  if (reply.reasoningContent !== undefined) message.reasoning_content = reply.reasoningContent;
  if (reply.reasoning !== undefined) message.reasoning = reply.reasoning;
  const usage = usageOf(request, reply, content);
  writeJson(
    response,
    200,
    {
      ...envelope(request, reply, "chat.completion"),
      choices: [{ index: 0, message, logprobs: null, finish_reason: reply.finishReason ?? "stop" }],
      ...(usage ? { usage } : {}),
    },
    { "x-request-id": `req_stub_${request.receivedAt}` },
  );
}

function startStream(response: ServerResponse): void {
  response.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "x-request-id": "req_stub_stream",
  });
}

function sendEvent(response: ServerResponse, data: unknown): void {
  response.write(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
}

function includeUsage(request: RecordedRequest): boolean {
  const options = (request.body as { stream_options?: { include_usage?: unknown } }).stream_options;
  return options?.include_usage === true;
}

/** The chunks of a reply in order: role, reasoning deltas, content deltas, finish, usage. */
function streamChunks(request: RecordedRequest, reply: OpenAIReply): unknown[] {
  const head = envelope(request, reply, "chat.completion.chunk");
  const withUsage = includeUsage(request);
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    ...head,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(withUsage ? { usage: null } : {}),
  });
  const content = replyContent(request, reply);
  const chunks: unknown[] = [chunk({ role: "assistant", content: "" })];
  for (const part of deltas(reply.reasoningContent ?? ""))
    chunks.push(chunk({ reasoning_content: part }));
  for (const part of deltas(reply.reasoning ?? "")) chunks.push(chunk({ reasoning: part }));
  for (const part of deltas(contentText(content))) chunks.push(chunk({ content: part }));
  if (reply.refusal) chunks.push(chunk({ refusal: reply.refusal }));
  chunks.push(chunk({}, reply.finishReason ?? "stop"));
  const usage = usageOf(request, reply, content);
  if (withUsage && usage) chunks.push({ ...head, choices: [], usage });
  return chunks;
}

async function writeStream(exchange: Exchange, request: RecordedRequest, reply: OpenAIReply) {
  startStream(exchange.response);
  for (const chunk of streamChunks(request, reply)) sendEvent(exchange.response, chunk);
  sendEvent(exchange.response, "[DONE]");
  exchange.response.end();
}

async function writeTruncatedStream(
  exchange: Exchange,
  request: RecordedRequest,
  behaviour: Extract<OpenAIStubBehaviour, { type: "truncated-stream" }>,
) {
  const reply: OpenAIReply = {
    type: "reply",
    content: behaviour.content ?? "this reply will be cut off before it ends",
  };
  const chunks = streamChunks(request, reply).slice(0, 1 + (behaviour.afterChunks ?? 2));
  startStream(exchange.response);
  for (const chunk of chunks) sendEvent(exchange.response, chunk);
  // Let the chunks reach the client before the end, as a real cut-off would.
  await exchange.delay(20);
  if (behaviour.ending === "destroy") exchange.destroy();
  else exchange.response.end();
}

async function writeStreamError(
  exchange: Exchange,
  request: RecordedRequest,
  behaviour: Extract<OpenAIStubBehaviour, { type: "stream-error" }>,
) {
  const chunks = streamChunks(request, { type: "reply" }).slice(
    0,
    1 + (behaviour.afterChunks ?? 1),
  );
  startStream(exchange.response);
  for (const chunk of chunks) sendEvent(exchange.response, chunk);
  sendEvent(exchange.response, {
    error: {
      message: behaviour.message ?? "the model crashed",
      type: "server_error",
      code: behaviour.code ?? 500,
    },
  });
  exchange.response.end();
}

function writeMalformed(
  response: ServerResponse,
  streaming: boolean,
  behaviour: Extract<CommonBehaviour, { type: "malformed" }>,
) {
  if (streaming) {
    startStream(response);
    sendEvent(response, behaviour.body ?? '{"id": "chatcmpl-broken", "choices": [');
    sendEvent(response, "[DONE]");
    response.end();
    return;
  }
  const body = behaviour.body ?? '{"id": "chatcmpl-broken", "choices": [{"index": 0, "mess';
  response.writeHead(200, {
    "content-type": behaviour.contentType ?? "application/json",
    "content-length": Buffer.byteLength(body),
  });
  response.end(body);
}

/** A judge's verdict as the stub answers structured-output requests: not undesired, consistent. */
export function stubVerdictReply(): OpenAIReply {
  return {
    type: "reply",
    content: JSON.stringify({
      undesired: "no",
      consistency: "consistent",
      quotes: [],
      rationale: "stub verdict",
    }),
  };
}
