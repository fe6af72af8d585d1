/**
 * The parts the OpenAI and Anthropic stub servers share: a `node:http` server on 127.0.0.1 (port 0)
 * that records every request, plays a script of behaviours, adds a fixed latency, enforces a
 * requests-per-minute limit or a provider-like token bucket (with `x-ratelimit-*` headers), fails
 * every Nth request with a 500 if asked, and closes without leaving sockets or timers behind.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
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
  /** Set when the server's own limit (requestsPerMinute, tokenBucket) turned the request away. */
  rateLimited?: true;
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
  /**
   * A provider-like limit: a token bucket of `burst` requests refilled at `ratePerSecond`. Over it:
   * 429 with `retry-after` (seconds, rounded up), `retry-after-ms` and OpenAI's `x-ratelimit-*`
   * headers; every other answer carries the `x-ratelimit-*` headers too.
   */
  tokenBucket?: { ratePerSecond: number; burst: number };
  /** Every Nth request the limits let through (1-based) gets a 500 instead of its answer. */
  serverErrorEvery?: number;
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
  const stub = new StubHttpServer(dialect, options);
  const port = await stub.listen();
  return {
    baseURL: `http://127.0.0.1:${port}${dialect.baseURLSuffix}`,
    requests: stub.requests,
    close: () => stub.close(),
  };
}

class StubHttpServer<Behaviour extends { type: string }> {
  readonly requests: RecordedRequest[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #acceptedAt: number[] = [];
  readonly #queue: (Behaviour | CommonBehaviour)[];
  readonly #server: Server;
  readonly #bucket: StubTokenBucket | undefined;
  #admitted = 0;
  #closed = false;

  constructor(
    private readonly dialect: StubDialect<Behaviour>,
    private readonly options: StubOptions<Behaviour | CommonBehaviour>,
  ) {
    this.#queue = Array.isArray(options.script) ? [...options.script] : [];
    if (options.tokenBucket) this.#bucket = new StubTokenBucket(options.tokenBucket);
    this.#server = createServer((incoming, response) => {
      this.#handle(incoming, response).catch((error: unknown) => {
        if (!response.headersSent) dialect.writeError(response, 500, { message: String(error) });
        else response.destroy();
      });
    });
    this.#server.on("connection", (socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    return (this.#server.address() as AddressInfo).port;
  }

  /** Ends hanging answers and pending delays, drops every connection, stops listening. */
  close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const socket of this.#sockets) socket.destroy();
    return new Promise<void>((resolve, reject) =>
      this.#server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  async #handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const request = await readRequest(incoming);
    const index = this.requests.length;
    this.requests.push(request);
    const exchange = new Exchange(response, incoming.socket, (ms) => this.#wait(ms), index);
    if (request.method !== "POST" || request.path.split("?")[0] !== this.dialect.path) {
      return this.dialect.writeError(response, 404, { message: `no route ${request.path}` });
    }
    const presented = this.dialect.presentedKey(request);
    if (this.options.apiKey !== undefined && presented !== this.options.apiKey) {
      // Real servers echo (part of) a wrong key; the providers must keep it out of their errors.
      const message = `Incorrect API key provided: ${presented ?? "(none)"}`;
      return this.dialect.writeError(response, 401, { message });
    }
    const retryAfter = this.#overLimit();
    if (retryAfter !== undefined) {
      request.rateLimited = true;
      setHeaders(response, this.dialect.rateLimitHeaders(retryAfter));
      return this.dialect.writeError(response, 429, { message: "requests per minute exceeded" });
    }
    if (this.#bucket && !this.#bucket.admit(response)) {
      request.rateLimited = true;
      return this.dialect.writeError(response, 429, { message: "Rate limit reached for requests" });
    }
    this.#admitted += 1;
    const every = this.options.serverErrorEvery;
    const behaviour =
      every && this.#admitted % every === 0
        ? ({ type: "error", status: 500, message: "stub fault" } as const)
        : this.#next(request, index);
    await exchange.delay((this.options.latencyMs ?? 0) + delayOf(behaviour));
    if (this.#closed || exchange.socket.destroyed) return;
    await this.#play(behaviour, request, exchange);
  }

  async #play(
    behaviour: Behaviour | CommonBehaviour,
    request: RecordedRequest,
    exchange: Exchange,
  ): Promise<void> {
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
        setHeaders(response, common.headers ?? {});
        return this.dialect.writeError(response, common.status, {
          message: common.message ?? `stub error ${common.status}`,
          errorType: common.errorType,
          code: common.code,
        });
      case "rate-limit":
        setHeaders(response, common.headers ?? { "retry-after": "1" });
        return this.dialect.writeError(response, 429, {
          message: common.message ?? "Rate limit reached",
        });
      default:
        return this.dialect.respond(behaviour as Behaviour, request, exchange);
    }
  }

  #next(request: RecordedRequest, index: number): Behaviour | CommonBehaviour {
    const script = this.options.script;
    const scripted = typeof script === "function" ? script(request, index) : this.#queue.shift();
    return scripted ?? this.dialect.defaultBehaviour();
  }

  /** Undefined when the request is within the limit (and counts it), else seconds to wait. */
  #overLimit(): number | undefined {
    const limit = this.options.requestsPerMinute;
    if (limit === undefined) return undefined;
    const now = Date.now();
    const accepted = this.#acceptedAt;
    while (accepted.length > 0 && (accepted[0] ?? now) <= now - WINDOW_MS) accepted.shift();
    if (accepted.length < limit) {
      accepted.push(now);
      return undefined;
    }
    return Math.max(1, Math.ceil(((accepted[0] ?? now) + WINDOW_MS - now) / 1000));
  }

  #wait(milliseconds: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, milliseconds);
      this.#timers.add(timer);
    });
  }
}

/** The stub's request limit, as OpenAI states it: per minute, what remains, time until full. */
class StubTokenBucket {
  #level: number;
  #updatedAt = Date.now();

  constructor(private readonly limit: { ratePerSecond: number; burst: number }) {
    this.#level = limit.burst;
  }

  /** Takes one request if the bucket allows and sets the answer's rate-limit headers. */
  admit(response: ServerResponse): boolean {
    const now = Date.now();
    const { ratePerSecond, burst } = this.limit;
    this.#level = Math.min(burst, this.#level + ((now - this.#updatedAt) / 1000) * ratePerSecond);
    this.#updatedAt = now;
    const admitted = this.#level >= 1;
    if (admitted) this.#level -= 1;
    const untilFullMs = Math.ceil(((burst - this.#level) / ratePerSecond) * 1000);
    setHeaders(response, {
      "x-ratelimit-limit-requests": String(Math.round(ratePerSecond * 60)),
      "x-ratelimit-remaining-requests": String(Math.floor(this.#level)),
      "x-ratelimit-reset-requests": `${untilFullMs}ms`,
    });
    if (!admitted) {
      const waitMs = Math.ceil(((1 - this.#level) / ratePerSecond) * 1000);
      setHeaders(response, {
        "retry-after": String(Math.ceil(waitMs / 1000)),
        "retry-after-ms": String(waitMs),
      });
    }
    return admitted;
  }
}

function setHeaders(response: ServerResponse, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
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
