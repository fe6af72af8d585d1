import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { Readable } from "node:stream";

/**
 * The `fetch` the provider SDKs are given. Node 20's built-in fetch (undici behind WHATWG
 * streams) spends about twice the CPU of a plain `node:http` request on a small JSON call, and at
 * thousands of calls a run that is most of candor's own cost (measured: 1.3–1.6 ms against
 * 0.6 ms a call on this machine, bench/promptfoo-comparison.ts). So a call whose body is text or
 * bytes goes through `node:http(s)` on a keep-alive agent and its reply is read whole; a streamed
 * reply (server-sent events) stays a stream, and any other body (multipart uploads for the batch
 * APIs) goes to the built-in fetch. Failures look as undici's do (`TypeError: fetch failed` with
 * the network error as its cause), so error classification reads both the same.
 */
export async function nodeHttpFetch(
  input: string | URL | Request,
  init: RequestInit = {},
): Promise<Response> {
  const body = init.body;
  const plainBody =
    body === undefined || body === null || typeof body === "string" || body instanceof Uint8Array;
  if (input instanceof Request || !plainBody) return fetch(input, init);
  const url = typeof input === "string" ? new URL(input) : input;
  if (url.protocol !== "http:" && url.protocol !== "https:") return fetch(input, init);
  init.signal?.throwIfAborted();
  const incoming = await send(url, init, body ?? undefined);
  return toResponse(incoming, init.signal ?? undefined);
}

const KEEP_ALIVE = { keepAlive: true, maxSockets: 256 };
const agents = { http: new HttpAgent(KEEP_ALIVE), https: new HttpsAgent(KEEP_ALIVE) };

function send(url: URL, init: RequestInit, body: string | Uint8Array | undefined) {
  const secure = url.protocol === "https:";
  const headers = headerRecord(init.headers);
  if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
  return new Promise<IncomingMessage>((resolve, reject) => {
    const request = (secure ? httpsRequest : httpRequest)(url, {
      method: init.method ?? "GET",
      headers,
      agent: secure ? agents.https : agents.http,
    });
    // One listener instead of node's `signal` option (which also watches the stream's end): the
    // SDKs give every call its own signal, so nothing outlives the call.
    const signal = init.signal;
    signal?.addEventListener("abort", () => request.destroy(signal.reason), { once: true });
    request.once("response", resolve);
    request.once("error", (error) => reject(fetchFailure(error, init.signal)));
    request.end(body);
  });
}

function headerRecord(headers: ConstructorParameters<typeof Headers>[0]): Record<string, string> {
  const record: Record<string, string> = {};
  // The SDKs hand over a Headers already: read it rather than copy it into another.
  const readable = headers instanceof Headers ? headers : new Headers(headers);
  readable.forEach((value, name) => {
    record[name] = value;
  });
  return record;
}

async function toResponse(incoming: IncomingMessage, signal: AbortSignal | undefined) {
  const status = incoming.statusCode ?? 0;
  const init = {
    status,
    statusText: incoming.statusMessage ?? "",
    headers: replyHeaders(incoming),
  };
  const nullBody = status === 204 || status === 205 || status === 304;
  if (nullBody) {
    incoming.resume();
    return new Response(null, init);
  }
  if (String(incoming.headers["content-type"]).startsWith("text/event-stream"))
    return new Response(Readable.toWeb(incoming) as ReadableStream<Uint8Array>, init);
  return wholeResponse(await readWhole(incoming, signal), init);
}

/**
 * A reply already read whole. Undici's Response would copy it into a web stream only for the SDK
 * to read it back out (about a third of a call's transport CPU); this one answers `json()`,
 * `text()` and `arrayBuffer()` from the bytes, and makes the stream only if someone asks for
 * `body`. A real Response underneath keeps status, headers and `instanceof` as they are.
 */
function wholeResponse(bytes: Buffer, init: ResponseInit): Response {
  const response = new Response(null, init);
  let used = false;
  let stream: ReadableStream<Uint8Array> | null | undefined;
  const take = () => {
    // Only the methods mark the body read: the Anthropic SDK looks at `body` on every reply.
    if (used) throw new TypeError("Body is unusable: Body has already been read");
    used = true;
    return bytes;
  };
  Object.defineProperties(response, {
    body: { get: () => (stream ??= new Response(bytes).body) },
    bodyUsed: { get: () => used },
    text: { value: async () => take().toString("utf8") },
    json: { value: async () => JSON.parse(take().toString("utf8")) },
    arrayBuffer: { value: async () => new Uint8Array(take()).buffer },
  });
  return response;
}

function readWhole(incoming: IncomingMessage, signal: AbortSignal | undefined) {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.once("end", () => resolve(Buffer.concat(chunks)));
    incoming.once("error", (error) => reject(fetchFailure(error, signal)));
    incoming.once("aborted", () => reject(fetchFailure(new Error("aborted"), signal)));
  });
}

function replyHeaders(incoming: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2)
    headers.append(raw[index] as string, raw[index + 1] as string);
  return headers;
}

/** An abort rejects with the signal's reason, as fetch does; anything else as undici words it. */
function fetchFailure(error: unknown, signal: AbortSignal | null | undefined): unknown {
  if (signal?.aborted) return signal.reason;
  return new TypeError("fetch failed", { cause: error });
}
