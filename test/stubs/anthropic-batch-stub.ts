/**
 * A loopback server speaking Anthropic's Message Batches API as documented
 * (https://docs.anthropic.com/en/api/creating-message-batches): `POST /v1/messages/batches`,
 * `GET /v1/messages/batches/{id}` (with `results_url` once ended) and
 * `GET /v1/messages/batches/{id}/results` (JSONL, one `{custom_id, result}` a request).
 */
import type { ServerResponse } from "node:http";
import {
  BatchBook,
  type BatchedRequest,
  type BatchStubOptions,
  countWords,
  type IncomingCall,
  type RunningBatchStub,
  startRoutes,
  writeJson,
  writeText,
} from "./batch-stub-server.ts";

interface StoredBatch {
  id: string;
  requests: BatchedRequest[];
  createdAt: string;
  /** The results once the batch has ended. */
  results: string[] | undefined;
}

export async function startAnthropicBatchStub(
  options: BatchStubOptions = {},
): Promise<RunningBatchStub> {
  const book = new BatchBook(options);
  const batches = new Map<string, StoredBatch>();
  let origin = "";
  const authorized = (call: IncomingCall, response: ServerResponse) => {
    const presented =
      call.headers["x-api-key"] ?? call.headers.authorization?.replace(/^Bearer /, "");
    if (book.authorized(presented)) return true;
    writeError(response, 401, "invalid x-api-key", "authentication_error");
    return false;
  };
  const found = (call: IncomingCall, pattern: RegExp, response: ServerResponse) => {
    const match = pattern.exec(call.path);
    if (call.method !== "GET" || !match) return undefined;
    if (!authorized(call, response)) return null;
    const batch = batches.get(match[1] as string);
    if (!batch) writeError(response, 404, "batch not found", "not_found_error");
    return batch ?? null;
  };

  const server = await startRoutes(
    [
      (call, response) => {
        if (call.method !== "POST" || call.path !== "/v1/messages/batches") return false;
        if (!authorized(call, response)) return true;
        const body = call.json() as { requests?: { custom_id?: unknown; params?: unknown }[] };
        const problem = invalidRequests(body.requests);
        if (problem) {
          writeError(response, 400, problem, "invalid_request_error");
          return true;
        }
        const requests = book.admit(
          (body.requests ?? []).map((request) => ({
            customId: String(request.custom_id),
            body: request.params as Record<string, unknown>,
          })),
        );
        const batch = {
          id: `msgbatch_stub${batches.size + 1}`,
          requests,
          createdAt: new Date().toISOString(),
          results: undefined,
        };
        batches.set(batch.id, batch);
        writeJson(response, 200, batchObject(batch, origin));
        return true;
      },
      (call, response) => {
        const batch = found(call, /^\/v1\/messages\/batches\/([^/]+)\/results$/, response);
        if (batch === undefined) return false;
        if (batch === null) return true;
        if (!batch.results)
          writeError(response, 400, "the batch has not ended", "invalid_request_error");
        else
          writeText(
            response,
            batch.results.map((line) => `${line}\n`).join(""),
            "application/binary",
          );
        return true;
      },
      (call, response) => {
        const batch = found(call, /^\/v1\/messages\/batches\/([^/]+)$/, response);
        if (batch === undefined) return false;
        if (batch === null) return true;
        book.counters.statusChecks += 1;
        if (!batch.results && !book.held) batch.results = batch.requests.map(result);
        writeJson(response, 200, batchObject(batch, origin));
        return true;
      },
    ],
    (response, message) => writeError(response, 404, message, "not_found_error"),
  );
  origin = server.origin;

  function result(request: BatchedRequest): string {
    if (book.fails(request)) {
      const error = { type: "error", error: { type: "api_error", message: "stub server error" } };
      return JSON.stringify({ custom_id: request.customId, result: { type: "errored", error } });
    }
    const body = request.body;
    const tool = forcedTool(body);
    const text = book.answer(body, tool !== undefined);
    const content =
      tool !== undefined
        ? [{ type: "tool_use", id: "toolu_stub", name: tool, input: JSON.parse(text) }]
        : [{ type: "text", text }];
    const message = {
      id: `msg_${request.customId.slice(0, 12)}`,
      type: "message",
      role: "assistant",
      model: String(body.model),
      content,
      stop_reason: tool !== undefined ? "tool_use" : "end_turn",
      stop_sequence: null,
      usage: { input_tokens: countWords(body.messages), output_tokens: countWords(text) },
    };
    return JSON.stringify({ custom_id: request.customId, result: { type: "succeeded", message } });
  }

  return {
    baseURL: origin,
    counters: book.counters,
    release: () => {
      book.held = false;
    },
    hold: () => {
      book.held = true;
    },
    close: server.close,
  };
}

/** Custom ids must match `^[a-zA-Z0-9_-]{1,64}$` and be unique; params must name a model. */
function invalidRequests(requests: unknown): string | undefined {
  if (!Array.isArray(requests) || requests.length === 0) return "requests: at least one";
  const seen = new Set<unknown>();
  for (const request of requests as { custom_id?: unknown; params?: unknown }[]) {
    if (typeof request.custom_id !== "string" || !/^[a-zA-Z0-9_-]{1,64}$/.test(request.custom_id))
      return "custom_id: must match ^[a-zA-Z0-9_-]{1,64}$";
    if (seen.has(request.custom_id)) return `duplicate custom_id ${request.custom_id}`;
    seen.add(request.custom_id);
    const params = request.params as { model?: unknown; max_tokens?: unknown } | undefined;
    if (typeof params?.model !== "string" || typeof params.max_tokens !== "number")
      return "params: model and max_tokens are required";
  }
  return undefined;
}

function forcedTool(body: Record<string, unknown>): string | undefined {
  const choice = body.tool_choice as { type?: unknown; name?: unknown } | undefined;
  return choice?.type === "tool" && typeof choice.name === "string" ? choice.name : undefined;
}

function batchObject(batch: StoredBatch, origin: string) {
  const ended = batch.results !== undefined;
  const errored = ended ? batch.results?.filter((line) => line.includes('"errored"')).length : 0;
  const total = batch.requests.length;
  return {
    id: batch.id,
    type: "message_batch",
    processing_status: ended ? "ended" : "in_progress",
    request_counts: {
      processing: ended ? 0 : total,
      succeeded: ended ? total - (errored ?? 0) : 0,
      errored: errored ?? 0,
      canceled: 0,
      expired: 0,
    },
    ended_at: ended ? new Date().toISOString() : null,
    created_at: batch.createdAt,
    expires_at: new Date(Date.parse(batch.createdAt) + 86_400_000).toISOString(),
    archived_at: null,
    cancel_initiated_at: null,
    results_url: ended ? `${origin}/v1/messages/batches/${batch.id}/results` : null,
  };
}

function writeError(response: ServerResponse, status: number, message: string, type: string) {
  writeJson(response, status, { type: "error", error: { type, message } });
}
