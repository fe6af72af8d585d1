/**
 * A loopback server speaking OpenAI's Batch API as documented
 * (https://platform.openai.com/docs/api-reference/batch): `POST /v1/files` (multipart, purpose
 * `batch`), `GET /v1/files/{id}/content`, `POST /v1/batches`, `GET /v1/batches/{id}`. Each input
 * line `{custom_id, method, url, body}` is answered as a chat completion in the output file, or as
 * a failed request in the error file.
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

interface StoredFile {
  id: string;
  filename: string;
  purpose: string;
  content: string;
}

interface StoredBatch {
  id: string;
  inputFileId: string;
  requests: BatchedRequest[];
  createdAt: number;
  outputFileId: string | null;
  errorFileId: string | null;
  failed: number;
}

const ENDPOINT = "/v1/chat/completions";

export async function startOpenAIBatchStub(
  options: BatchStubOptions = {},
): Promise<RunningBatchStub> {
  const book = new BatchBook(options);
  const files = new Map<string, StoredFile>();
  const batches = new Map<string, StoredBatch>();
  const newFile = (filename: string, purpose: string, content: string): StoredFile => {
    const file = { id: `file-stub${files.size + 1}`, filename, purpose, content };
    files.set(file.id, file);
    return file;
  };
  const authorized = (call: IncomingCall, response: ServerResponse) => {
    if (book.authorized(call.headers.authorization?.replace(/^Bearer /, ""))) return true;
    writeError(response, 401, "Incorrect API key provided", "invalid_request_error");
    return false;
  };

  const server = await startRoutes(
    [
      async (call, response) => {
        if (call.method !== "POST" || call.path !== "/v1/files") return false;
        if (!authorized(call, response)) return true;
        const form = await new Request("http://stub/v1/files", {
          method: "POST",
          headers: { "content-type": call.headers["content-type"] ?? "" },
          body: call.raw,
        }).formData();
        const upload = form.get("file");
        const purpose = String(form.get("purpose") ?? "");
        if (!(upload instanceof File) || purpose !== "batch") {
          writeError(response, 400, "expected a file with purpose batch", "invalid_request_error");
          return true;
        }
        const file = newFile(upload.name, purpose, await upload.text());
        writeJson(response, 200, fileObject(file));
        return true;
      },
      (call, response) => {
        const match = /^\/v1\/files\/([^/]+)\/content$/.exec(call.path);
        if (call.method !== "GET" || !match) return false;
        if (!authorized(call, response)) return true;
        const file = files.get(match[1] as string);
        if (!file) writeError(response, 404, "No such File object", "invalid_request_error");
        else writeText(response, file.content, "application/octet-stream");
        return true;
      },
      (call, response) => {
        if (call.method !== "POST" || call.path !== "/v1/batches") return false;
        if (!authorized(call, response)) return true;
        const body = call.json() as Record<string, unknown>;
        const input = files.get(String(body.input_file_id));
        const problem = !input
          ? "input_file_id not found"
          : body.endpoint !== ENDPOINT
            ? "endpoint must be /v1/chat/completions"
            : body.completion_window !== "24h"
              ? "completion_window must be 24h"
              : undefined;
        const lines = input ? parseLines(input.content) : [];
        const lineProblem = problem ?? invalidLine(lines);
        if (lineProblem) {
          writeError(response, 400, lineProblem, "invalid_request_error");
          return true;
        }
        const requests = book.admit(
          lines.map((line) => ({ customId: line.custom_id, body: line.body })),
        );
        const batch: StoredBatch = {
          id: `batch_stub${batches.size + 1}`,
          inputFileId: (input as StoredFile).id,
          requests,
          createdAt: Math.floor(Date.now() / 1000),
          outputFileId: null,
          errorFileId: null,
          failed: 0,
        };
        batches.set(batch.id, batch);
        writeJson(response, 200, batchObject(batch, "validating"));
        return true;
      },
      (call, response) => {
        const match = /^\/v1\/batches\/([^/]+)$/.exec(call.path);
        if (call.method !== "GET" || !match) return false;
        if (!authorized(call, response)) return true;
        const batch = batches.get(match[1] as string);
        if (!batch) {
          writeError(response, 404, "No such Batch object", "invalid_request_error");
          return true;
        }
        book.counters.statusChecks += 1;
        if (!batch.outputFileId && !book.held) complete(batch);
        writeJson(
          response,
          200,
          batchObject(batch, batch.outputFileId ? "completed" : "in_progress"),
        );
        return true;
      },
    ],
    (response, message) => writeError(response, 404, message, "invalid_request_error"),
  );

  function complete(batch: StoredBatch): void {
    const output: string[] = [];
    const errors: string[] = [];
    for (const request of batch.requests) {
      const id = `batch_req_${batch.id}_${request.customId.slice(0, 8)}`;
      if (book.fails(request)) {
        const body = { error: { message: "stub server error", type: "server_error", code: null } };
        const response = { status_code: 500, request_id: `req_${id}`, body };
        errors.push(JSON.stringify({ id, custom_id: request.customId, response, error: null }));
        continue;
      }
      const response = { status_code: 200, request_id: `req_${id}`, body: completion(request) };
      output.push(JSON.stringify({ id, custom_id: request.customId, response, error: null }));
    }
    batch.failed = errors.length;
    batch.outputFileId = newFile(`${batch.id}_output.jsonl`, "batch_output", jsonl(output)).id;
    if (errors.length)
      batch.errorFileId = newFile(`${batch.id}_error.jsonl`, "batch_output", jsonl(errors)).id;
  }

  function completion(request: BatchedRequest) {
    const body = request.body;
    const text = book.answer(body, body.response_format !== undefined);
    return {
      id: `chatcmpl-${request.customId.slice(0, 12)}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: String(body.model),
      system_fingerprint: "fp_stub",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: text, refusal: null },
          finish_reason: "stop",
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: countWords(body.messages),
        completion_tokens: countWords(text),
        total_tokens: countWords(body.messages) + countWords(text),
      },
    };
  }

  return {
    baseURL: `${server.origin}/v1`,
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

interface InputLine {
  custom_id: string;
  method: string;
  url: string;
  body: Record<string, unknown>;
}

function parseLines(content: string): InputLine[] {
  return content
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as InputLine);
}

/** The Batch API refuses a file with a bad line or a repeated custom_id. */
function invalidLine(lines: readonly InputLine[]): string | undefined {
  if (lines.length === 0) return "the input file has no requests";
  const seen = new Set<string>();
  for (const line of lines) {
    if (typeof line.custom_id !== "string" || !line.custom_id) return "a line has no custom_id";
    if (seen.has(line.custom_id)) return `duplicate custom_id ${line.custom_id}`;
    seen.add(line.custom_id);
    if (line.method !== "POST" || line.url !== ENDPOINT) return "lines must POST to the endpoint";
    if (typeof line.body !== "object" || line.body === null) return "a line has no body";
  }
  return undefined;
}

function jsonl(lines: readonly string[]): string {
  return lines.map((line) => `${line}\n`).join("");
}

function fileObject(file: StoredFile) {
  return {
    id: file.id,
    object: "file",
    bytes: Buffer.byteLength(file.content),
    created_at: Math.floor(Date.now() / 1000),
    filename: file.filename,
    purpose: file.purpose,
    status: "processed",
  };
}

function batchObject(batch: StoredBatch, status: string) {
  const done = status === "completed";
  const total = batch.requests.length;
  return {
    id: batch.id,
    object: "batch",
    endpoint: ENDPOINT,
    errors: null,
    input_file_id: batch.inputFileId,
    completion_window: "24h",
    status,
    output_file_id: batch.outputFileId,
    error_file_id: batch.errorFileId,
    created_at: batch.createdAt,
    in_progress_at: batch.createdAt,
    expires_at: batch.createdAt + 86_400,
    finalizing_at: done ? batch.createdAt : null,
    completed_at: done ? Math.floor(Date.now() / 1000) : null,
    failed_at: null,
    expired_at: null,
    cancelling_at: null,
    cancelled_at: null,
    request_counts: {
      total,
      completed: done ? total - batch.failed : 0,
      failed: done ? batch.failed : 0,
    },
    metadata: null,
  };
}

function writeError(response: ServerResponse, status: number, message: string, type: string) {
  writeJson(response, status, { error: { message, type, param: null, code: null } });
}
