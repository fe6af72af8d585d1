/**
 * A loopback server speaking Anthropic's Messages wire format (`POST /v1/messages`, content blocks
 * text / thinking / redacted_thinking / tool_use), for tests and benchmarks of the Anthropic
 * provider. No network beyond 127.0.0.1; no real key is ever needed.
 */
import type { ServerResponse } from "node:http";
import {
  type CommonBehaviour,
  countWords,
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

export type AnthropicContentBlock =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "tool_use"; id: string; name: string; input: unknown }
  | Record<string, unknown>;

export interface AnthropicReply {
  type: "reply";
  /** The whole content; default: optional thinking blocks, then a tool_use block when the
   * request forced a tool (input `toolInput`, default `{ "echo": … }`), else a text block. */
  content?: AnthropicContentBlock[];
  /** Default: `echo: ` and the last message's text. */
  text?: string;
  /** Adds a thinking block first (an empty string: display "omitted"). */
  thinking?: string;
  /** Adds a redacted_thinking block first. */
  redactedThinking?: boolean;
  toolInput?: unknown;
  /** The model the server reports; default: the requested one. */
  model?: string;
  /** Default `end_turn`, or `tool_use` when the reply is a tool call. */
  stopReason?: string;
  /** Default: words of the messages and of the reply; null sends no usage. */
  usage?: { inputTokens: number; outputTokens: number; thinkingTokens?: number } | null;
  delayMs?: number;
}

export type AnthropicStubBehaviour = AnthropicReply | CommonBehaviour;

export type AnthropicStubOptions = StubOptions<AnthropicStubBehaviour>;

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  504: "timeout_error",
  529: "overloaded_error",
};

const dialect: StubDialect<AnthropicStubBehaviour> = {
  path: "/v1/messages",
  baseURLSuffix: "",
  defaultBehaviour: () => ({ type: "reply" }),
  presentedKey: (request) =>
    request.headers["x-api-key"] ?? request.headers.authorization?.replace(/^Bearer /, ""),
  errorType: (status) =>
    ERROR_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error"),
  writeError(response: ServerResponse, status: number, details: ErrorDetails) {
    writeJson(
      response,
      status,
      {
        type: "error",
        error: { type: details.errorType ?? this.errorType(status), message: details.message },
      },
      { "request-id": `req_stub_${status}` },
    );
  },
  rateLimitHeaders: (seconds) => ({
    "retry-after": String(seconds),
    "anthropic-ratelimit-requests-reset": new Date(Date.now() + seconds * 1000).toISOString(),
  }),
  async respond(behaviour, request, exchange) {
    switch (behaviour.type) {
      case "reply":
        return writeMessage(exchange, request, behaviour);
      case "malformed":
        return writeMalformed(exchange.response, behaviour);
      default:
        throw new Error(`the Anthropic stub cannot play ${behaviour.type}`);
    }
  },
};

export function startAnthropicStub(options: AnthropicStubOptions = {}): Promise<RunningStub> {
  return startStubServer(dialect, options);
}

function forcedTool(request: RecordedRequest): string | undefined {
  const choice = (request.body as { tool_choice?: { type?: unknown; name?: unknown } }).tool_choice;
  return choice?.type === "tool" && typeof choice.name === "string" ? choice.name : undefined;
}

function contentOf(request: RecordedRequest, reply: AnthropicReply): AnthropicContentBlock[] {
  if (reply.content) return reply.content;
  const blocks: AnthropicContentBlock[] = [];
  if (reply.redactedThinking) blocks.push({ type: "redacted_thinking", data: "EmwKAhgBEgy3va3p" });
  if (reply.thinking !== undefined)
    blocks.push({ type: "thinking", thinking: reply.thinking, signature: "sig_stub" });
  const echo = lastMessageText(request.body);
  const tool = forcedTool(request);
  if (tool !== undefined) {
    blocks.push({
      type: "tool_use",
      id: "toolu_stub",
      name: tool,
      input: reply.toolInput ?? { echo },
    });
  } else {
    blocks.push({ type: "text", text: reply.text ?? `echo: ${echo}` });
  }
  return blocks;
}

function usageOf(request: RecordedRequest, reply: AnthropicReply, content: unknown) {
  if (reply.usage === null) return undefined;
  const body = request.body as { system?: unknown; messages?: unknown };
  const inputTokens =
    reply.usage?.inputTokens ??
    countWords(`${JSON.stringify(body.system ?? "")} ${lastMessageText(body)}`);
  const thinkingTokens = reply.usage?.thinkingTokens ?? 0;
  return {
    input_tokens: inputTokens,
    output_tokens:
      reply.usage?.outputTokens ?? countWords(JSON.stringify(content)) + thinkingTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens_details: { thinking_tokens: thinkingTokens },
    service_tier: "standard",
  };
}

async function writeMessage(exchange: Exchange, request: RecordedRequest, reply: AnthropicReply) {
  if ((request.body as { stream?: unknown }).stream === true) {
    return dialect.writeError(exchange.response, 400, {
      message: "this stub does not stream Anthropic messages",
    });
  }
  const content = contentOf(request, reply);
  const usage = usageOf(request, reply, content);
  const calledTool = content.some((block) => block.type === "tool_use");
  writeJson(
    exchange.response,
    200,
    {
      id: `msg_stub_${request.receivedAt}`,
      type: "message",
      role: "assistant",
      model: reply.model ?? String((request.body as { model?: unknown }).model ?? "stub"),
      content,
      stop_reason: reply.stopReason ?? (calledTool ? "tool_use" : "end_turn"),
      stop_sequence: null,
      ...(usage ? { usage } : {}),
    },
    { "request-id": `req_stub_${request.receivedAt}` },
  );
}

function writeMalformed(
  response: ServerResponse,
  behaviour: Extract<CommonBehaviour, { type: "malformed" }>,
) {
  const body = behaviour.body ?? '{"id": "msg_broken", "type": "message", "content": [{"ty';
  response.writeHead(200, {
    "content-type": behaviour.contentType ?? "application/json",
    "content-length": Buffer.byteLength(body),
  });
  response.end(body);
}
