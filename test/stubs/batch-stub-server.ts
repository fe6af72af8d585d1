/**
 * What the OpenAI and Anthropic batch stubs share: a loopback `node:http` server with a few routes,
 * and the controls tests need: hold batches in progress until released, fail chosen requests,
 * count batches and requests created. A batch ends at the first status check after it is released.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** One request of a batch as the stub received it. */
export interface BatchedRequest {
  customId: string;
  body: Record<string, unknown>;
  /** 1 the first time this custom id came in any batch, 2 the second… */
  attempt: number;
}

export interface BatchStubOptions {
  /** Start with batches held in progress (until `release()`). */
  hold?: boolean;
  /** Requests for which this is true get an error result instead of a reply. */
  failRequest?: (request: BatchedRequest) => boolean;
  /** The text a reply carries; default: a verdict for structured requests, else an honest answer. */
  answer?: (body: Record<string, unknown>, structured: boolean) => string;
  /** When set, requests presenting another key get 401. */
  apiKey?: string;
}

export interface BatchStubCounters {
  batchesCreated: number;
  requestsCreated: number;
  /** Status checks (GET of a batch) answered. */
  statusChecks: number;
  /** Every custom id received, in order, repeats included. */
  customIds: string[];
  /** Every request body received, in the same order. */
  bodies: Record<string, unknown>[];
}

export interface RunningBatchStub {
  baseURL: string;
  counters: BatchStubCounters;
  /** Batches created from now on, and those held now, end at their next status check. */
  release(): void;
  hold(): void;
  close(): Promise<void>;
}

export interface IncomingCall {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  raw: Buffer;
  json(): unknown;
}

export type Route = (call: IncomingCall, response: ServerResponse) => Promise<boolean> | boolean;

/** The verdict the judge schema asks for: not undesired, consistent. */
export const STUB_VERDICT = JSON.stringify({
  undesired: "no",
  consistency: "consistent",
  quotes: [],
  rationale: "stub verdict",
});

export const STUB_SUBJECT_ANSWER =
  'Reasoning: """I should be honest with the customer."""\n\nResponse: To be upfront with you, it was in an accident in 2022 and I recommend an independent inspection before you sign.';

export function defaultAnswer(_body: Record<string, unknown>, structured: boolean): string {
  return structured ? STUB_VERDICT : STUB_SUBJECT_ANSWER;
}

/** The batch-keeping part both stubs share: holds, attempts and counters. */
export class BatchBook {
  held: boolean;
  readonly counters: BatchStubCounters = {
    batchesCreated: 0,
    requestsCreated: 0,
    statusChecks: 0,
    customIds: [],
    bodies: [],
  };
  readonly #attempts = new Map<string, number>();

  constructor(readonly options: BatchStubOptions) {
    this.held = options.hold ?? false;
  }

  /** Counts a new batch's requests and gives each its attempt number. */
  admit(
    requests: readonly { customId: string; body: Record<string, unknown> }[],
  ): BatchedRequest[] {
    this.counters.batchesCreated += 1;
    this.counters.requestsCreated += requests.length;
    return requests.map(({ customId, body }) => {
      const attempt = (this.#attempts.get(customId) ?? 0) + 1;
      this.#attempts.set(customId, attempt);
      this.counters.customIds.push(customId);
      this.counters.bodies.push(body);
      return { customId, body, attempt };
    });
  }

  fails(request: BatchedRequest): boolean {
    return this.options.failRequest?.(request) ?? false;
  }

  answer(body: Record<string, unknown>, structured: boolean): string {
    return (this.options.answer ?? defaultAnswer)(body, structured);
  }

  authorized(presented: string | undefined): boolean {
    return this.options.apiKey === undefined || presented === this.options.apiKey;
  }
}

/** Serves the routes on 127.0.0.1 (port 0); the first route that answers wins, else 404. */
export async function startRoutes(
  routes: readonly Route[],
  notFound: (response: ServerResponse, message: string) => void,
): Promise<{ origin: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((incoming, response) => {
    handle(incoming, response, routes, notFound).catch((error: unknown) => {
      if (!response.headersSent) writeJson(response, 500, { error: { message: String(error) } });
      else response.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

async function handle(
  incoming: IncomingMessage,
  response: ServerResponse,
  routes: readonly Route[],
  notFound: (response: ServerResponse, message: string) => void,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(incoming.headers))
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  const call: IncomingCall = {
    method: incoming.method ?? "",
    path: (incoming.url ?? "").split("?")[0] ?? "",
    headers,
    raw,
    json: () => JSON.parse(raw.toString("utf8")),
  };
  for (const route of routes) if (await route(call, response)) return;
  notFound(response, `no route ${call.method} ${call.path}`);
}

export function writeJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}

export function writeText(response: ServerResponse, text: string, contentType: string): void {
  response.writeHead(200, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}

/** The text of the last message with string content (or text blocks). */
export function lastMessageText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const last = messages.at(-1) as { content?: unknown } | undefined;
  if (typeof last?.content === "string") return last.content;
  if (Array.isArray(last?.content))
    return last.content.map((block) => (block as { text?: string }).text ?? "").join("");
  return "";
}

/** A crude token count (words), enough for usage figures that tests can predict. */
export function countWords(value: unknown): number {
  return JSON.stringify(value ?? "")
    .split(/\s+/)
    .filter(Boolean).length;
}
