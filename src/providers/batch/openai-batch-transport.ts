import OpenAI, { toFile } from "openai";
import type { OpenAIChatModelOptions } from "../openai/openai-chat-language-model.ts";
import { describeOpenAIError } from "../openai/openai-chat-language-model.ts";
import type { CallIdentity } from "../sdk-failure.ts";
import { isRecord, numberField, stringField } from "../sdk-failure.ts";
import type { BatchItem, BatchState, BatchTransport, ItemOutcome } from "./batch-transport.ts";
import { callProvider, itemFailure } from "./call-provider.ts";

const ENDPOINT = "/v1/chat/completions";
/** OpenAI: at most 50,000 requests and a 200 MB input file per batch. */
const MAX_REQUESTS = 50_000;
const MAX_BYTES = 150 * 1024 * 1024;
const ENDED = new Set(["completed", "failed", "expired", "cancelled"]);

/**
 * OpenAI's Batch API (https://platform.openai.com/docs/guides/batch): the requests go up as a
 * JSONL file (purpose `batch`), a batch runs it against `/v1/chat/completions` within 24 h, and
 * its output and error files hold one line per request, matched by custom_id.
 */
export class OpenAIBatchTransport implements BatchTransport {
  readonly provider = "openai";
  readonly maxRequests = MAX_REQUESTS;
  readonly maxBytes = MAX_BYTES;
  readonly #client: OpenAI;
  readonly #call: CallIdentity;

  constructor(options: OpenAIChatModelOptions & { baseURL: string }, timeoutMs: number) {
    this.#call = { spec: options.spec, secrets: options.apiKey ? [options.apiKey] : [], timeoutMs };
    this.#client = new OpenAI({
      apiKey: options.apiKey || "no-key",
      baseURL: options.baseURL,
      adminAPIKey: null,
      webhookSecret: null,
      maxRetries: 0,
      timeout: timeoutMs,
      logLevel: "off",
    });
  }

  async submit(items: readonly BatchItem[]): Promise<string> {
    const lines = items.map((item) =>
      JSON.stringify({ custom_id: item.customId, method: "POST", url: ENDPOINT, body: item.body }),
    );
    const file = await toFile(Buffer.from(`${lines.join("\n")}\n`), "candor-batch.jsonl", {
      type: "application/jsonl",
    });
    return this.#request(async (signal) => {
      const uploaded = await this.#client.files.create({ file, purpose: "batch" }, { signal });
      const batch = await this.#client.batches.create(
        { input_file_id: uploaded.id, endpoint: ENDPOINT, completion_window: "24h" },
        { signal },
      );
      return batch.id;
    });
  }

  async state(batchId: string): Promise<BatchState> {
    const batch = await this.#request((signal) =>
      this.#client.batches.retrieve(batchId, { signal }),
    );
    if (!ENDED.has(batch.status)) return { ended: false };
    const errors = batch.errors?.data?.map((error) => error.message ?? error.code).join("; ");
    return { ended: true, status: batch.status, ...(errors ? { failure: errors } : {}) };
  }

  async results(batchId: string): Promise<Map<string, ItemOutcome>> {
    const batch = await this.#request((signal) =>
      this.#client.batches.retrieve(batchId, { signal }),
    );
    const outcomes = new Map<string, ItemOutcome>();
    // Error lines first, so a request that also has an output line is read from its output.
    for (const fileId of [batch.error_file_id, batch.output_file_id]) {
      if (!fileId) continue;
      const text = await this.#request(async (signal) =>
        (await this.#client.files.content(fileId, { signal })).text(),
      );
      for (const line of text.split("\n")) {
        const read = line.trim() ? this.#readLine(JSON.parse(line)) : undefined;
        if (read) outcomes.set(read.customId, read.outcome);
      }
    }
    return outcomes;
  }

  #readLine(line: unknown): { customId: string; outcome: ItemOutcome } | undefined {
    const customId = stringField(line, "custom_id");
    if (!customId || !isRecord(line)) return undefined;
    const response = line.response;
    const status = numberField(response, "status_code");
    const body = isRecord(response) ? response.body : undefined;
    if (status !== undefined && status >= 200 && status < 300 && !isRecord(line.error))
      return { customId, outcome: { type: "succeeded", body } };
    const error = isRecord(line.error) ? line.error : isRecord(body) ? body.error : undefined;
    const failure = itemFailure(this.#call, {
      status,
      type: stringField(error, "code") ?? stringField(error, "type"),
      message: stringField(error, "message"),
    });
    return { customId, outcome: { type: "failed", error: failure } };
  }

  #request<Result>(work: (signal: AbortSignal) => Promise<Result>): Promise<Result> {
    return callProvider(this.#call, describeOpenAIError, work);
  }
}
