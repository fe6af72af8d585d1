/**
 * The parts the OpenAI and Anthropic stub servers share: a `node:http` server on 127.0.0.1 (port 0)
 * that records every request, plays a script of behaviours, adds a fixed latency, enforces a
 * requests-per-minute limit and closes without leaving sockets or timers behind.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/chat/completions`. */
  path: string;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
  receivedAt: number;
}

/** Behaviours both stubs understand; each stub adds its own (replies, streams). */
export type CommonBehaviour =
  /** Destroy the socket before any byte of a response: the client sees a connection reset. */
  | { type: "reset" }
  /** Never answer (until the client gives up or the server closes): for timeouts. */
  | { type: "hang" }
  /** Send 200 headers and the start of a body, then never finish: for whole-call timeouts. */
  | { type: "stall" }
  /** An error status with the provider's error body and any headers (e.g. `retry-after`). */
  | {
      type: "error";
      status: number;
      message?: string;
      errorType?: string;
      code?: string | null;
      headers?: Record<string, string>;
    }
  /** 429 with these headers (default `retry-after: 1`). */
  | { type: "rate-limit"; headers?: Record<string, string>; message?: string }
  /** 200 with a body that is not what the API promises (default: JSON cut in half). */
  | { type: "malformed"; body?: string; contentType?: string };

/** A script: a queue played in order (then the default reply), or a function of the request. */
export type Script<Behaviour> =
  | readonly Behaviour[]
  | ((request: RecordedRequest, index: number) => Behaviour | undefined);

export interface StubOptions<Behaviour> {
  script?: Script<Behaviour>;
  /** Added before every answer. */
  latencyMs?: number;
  /** Over this many requests in any 60 s window: 429 with retry-after, nothing else done. */
  requestsPerMinute?: number;
  /** When set, requests presenting another key get 401. */
  apiKey?: string;
}

export interface RunningStub {
  /** What to give the SDK as its `baseURL`. */
  baseURL: string;
  /** Every request received, in order, including rejected ones. */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface ErrorDetails {
  message: string;
  errorType?: string | undefined;
  code?: string | null | undefined;
}

/** What a provider's stub supplies to the shared server. */
export interface StubDialect<Behaviour> {
  /** The one route served, e.g. `/v1/chat/completions`. */
  path: string;
  /** Appended to the origin to form the SDK's `baseURL` (`/v1` for OpenAI, empty for Anthropic). */
  baseURLSuffix: string;
  defaultBehaviour(): Behaviour;
  /** The key the request presents, or undefined. */
  presentedKey(request: RecordedRequest): string | undefined;
  errorType(status: number): string;
  writeError(response: ServerResponse, status: number, details: ErrorDetails): void;
  rateLimitHeaders(retryAfterSeconds: number): Record<string, string>;
  /** Provider behaviours (replies, streams, malformed bodies); common ones are handled before. */
  respond(behaviour: Behaviour, request: RecordedRequest, exchange: Exchange): Promise<void>;
}

/** One request's response side, with the server's bookkeeping. */
export class Exchange {
  constructor(
    readonly response: ServerResponse,
    readonly socket: Socket,
    private readonly wait: (milliseconds: number) => Promise<void>,
    readonly index: number,
  ) {}

  delay(milliseconds: number): Promise<void> {
    return milliseconds > 0 ? this.wait(milliseconds) : Promise.resolve();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

const WINDOW_MS = 60_000;

export async function startStubServer<Behaviour extends { type: string }>(
  dialect: StubDialect<Behaviour>,
  options: StubOptions<Behaviour | CommonBehaviour>,
): Promise<RunningStub> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const acceptedAt: number[] = [];
  const queue = Array.isArray(options.script) ? [...options.script] : [];
  let closed = false;

  const wait = (milliseconds: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, milliseconds);
      timers.add(timer);
    });

  const next = (request: RecordedRequest, index: number): Behaviour | CommonBehaviour => {
    const script = options.script;
    const scripted = typeof script === "function" ? script(request, index) : queue.shift();
    return scripted ?? dialect.defaultBehaviour();
  };

  const overLimit = (): number | undefined => {
    const limit = options.requestsPerMinute;
    if (limit === undefined) return undefined;
    const now = Date.now();
    while (acceptedAt.length > 0 && (acceptedAt[0] ?? now) <= now - WINDOW_MS) acceptedAt.shift();
    if (acceptedAt.length < limit) {
      acceptedAt.push(now);
      return undefined;
    }
    return Math.max(1, Math.ceil(((acceptedAt[0] ?? now) + WINDOW_MS - now) / 1000));
  };

  const handle = async (incoming: IncomingMessage, response: ServerResponse) => {
    const request = await readRequest(incoming);
    const index = requests.length;
    requests.push(request);
    const exchange = new Exchange(response, incoming.socket, wait, index);
    if (request.method !== "POST" || request.path.split("?")[0] !== dialect.path) {
      return dialect.writeError(response, 404, { message: `no route ${request.path}` });
    }
    const presented = dialect.presentedKey(request);
    if (options.apiKey !== undefined && presented !== options.apiKey) {
      // Real servers echo (part of) a wrong key; the providers must keep it out of their errors.
      const message = `Incorrect API key provided: ${presented ?? "(none)"}`;
      return dialect.writeError(response, 401, { message });
    }
    const retryAfter = overLimit();
    if (retryAfter !== undefined) {
      for (const [name, value] of Object.entries(dialect.rateLimitHeaders(retryAfter)))
        response.setHeader(name, value);
      return dialect.writeError(response, 429, { message: "requests per minute exceeded" });
    }
    const behaviour = next(request, index);
    await exchange.delay((options.latencyMs ?? 0) + delayOf(behaviour));
    if (closed || exchange.socket.destroyed) return;
    await play(behaviour, request, exchange);
  };

  const play = async (
    behaviour: Behaviour | CommonBehaviour,
    request: RecordedRequest,
    exchange: Exchange,
  ) => {
    const { response } = exchange;
    const common = behaviour as CommonBehaviour;
    switch (common.type) {
      case "reset":
        return exchange.destroy();
      case "hang":
        return;
      case "stall":
        response.writeHead(200, { "content-type": "application/json" });
        response.write('{"id": "stalled", ');
        return;
      case "error":
        for (const [name, value] of Object.entries(common.headers ?? {}))
          response.setHeader(name, value);
        return dialect.writeError(response, common.status, {
          message: common.message ?? `stub error ${common.status}`,
          errorType: common.errorType,
          code: common.code,
        });
      case "rate-limit":
        for (const [name, value] of Object.entries(common.headers ?? { "retry-after": "1" }))
          response.setHeader(name, value);
        return dialect.writeError(response, 429, {
          message: common.message ?? "Rate limit reached",
        });
      default:
        return dialect.respond(behaviour as Behaviour, request, exchange);
    }
  };

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      if (!response.headersSent) dialect.writeError(response, 500, { message: String(error) });
      else response.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}${dialect.baseURLSuffix}`,
    requests,
    close: () => {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

function delayOf(behaviour: { type: string }): number {
  const delay = (behaviour as { delayMs?: unknown }).delayMs;
  return typeof delay === "number" ? delay : 0;
}

async function readRequest(incoming: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Kept raw: a test may assert what arrived.
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return {
    method: incoming.method ?? "",
    path: incoming.url ?? "",
    headers,
    body,
    receivedAt: Date.now(),
  };
}

/** Writes a JSON body with its length. */
export function writeJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** Splits a text into stream deltas (a word and its trailing space each), never losing a byte. */
export function deltas(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
}

/** The text of the last message with string content, for echo replies. */
export function lastMessageText(body: unknown): string {
  const messages = (body as { messages?: unknown } | undefined)?.messages;
  if (!Array.isArray(messages)) return "";
  for (let index = messages.length - 1; index >= 0; index--) {
    const content = (messages[index] as { content?: unknown } | undefined)?.content;
    if (typeof content === "string") return content;
    if (Array.isArray(content)) {
      const text = content
        .map((block) => (block as { text?: unknown }).text)
        .filter((part): part is string => typeof part === "string")
        .join("");
      if (text) return text;
    }
  }
  return "";
}

/** A crude token count (words), enough for usage figures that tests can predict. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}
