import Anthropic from "@anthropic-ai/sdk";
import type { MessageCreateParamsNonStreaming } from "@anthropic-ai/sdk/resources/messages";
import type { AnthropicModelOptions } from "../anthropic/anthropic-language-model.ts";
import { describeAnthropicError } from "../anthropic/anthropic-language-model.ts";
import type { CallIdentity } from "../sdk-failure.ts";
import { isRecord, stringField } from "../sdk-failure.ts";
import type { BatchItem, BatchState, BatchTransport, ItemOutcome } from "./batch-transport.ts";
import { callProvider, itemFailure } from "./call-provider.ts";

/** Anthropic: at most 100,000 requests or 256 MB per batch. */
const MAX_REQUESTS = 100_000;
const MAX_BYTES = 200 * 1024 * 1024;

/**
 * Anthropic's Message Batches (https://docs.anthropic.com/en/docs/build-with-claude/batch-processing):
 * the requests go in one create call; the batch is `in_progress` until `ended`, then its results
 * (a JSONL stream at `results_url`) give each custom_id `succeeded`, `errored`, `canceled` or
 * `expired`.
 */
export class AnthropicBatchTransport implements BatchTransport {
  readonly provider = "anthropic";
  readonly maxRequests = MAX_REQUESTS;
  readonly maxBytes = MAX_BYTES;
  readonly #client: Anthropic;
  readonly #call: CallIdentity;

  constructor(options: AnthropicModelOptions & { baseURL: string }, timeoutMs: number) {
    this.#call = { spec: options.spec, secrets: options.apiKey ? [options.apiKey] : [], timeoutMs };
    this.#client = new Anthropic({
      apiKey: options.apiKey || "no-key",
      baseURL: options.baseURL,
      webhookKey: null,
      maxRetries: 0,
      timeout: timeoutMs,
      logLevel: "off",
    });
  }

  async submit(items: readonly BatchItem[]): Promise<string> {
    const requests = items.map((item) => ({
      custom_id: item.customId,
      params: item.body as MessageCreateParamsNonStreaming,
    }));
    const batch = await this.#request((signal) =>
      this.#client.messages.batches.create({ requests }, { signal }),
    );
    return batch.id;
  }

  async state(batchId: string): Promise<BatchState> {
    const batch = await this.#request((signal) =>
      this.#client.messages.batches.retrieve(batchId, {}, { signal }),
    );
    return batch.processing_status === "ended"
      ? { ended: true, status: "ended" }
      : { ended: false };
  }

  async results(batchId: string): Promise<Map<string, ItemOutcome>> {
    return this.#request(async (signal) => {
      const outcomes = new Map<string, ItemOutcome>();
      const stream = await this.#client.messages.batches.results(batchId, {}, { signal });
      for await (const line of stream) {
        const customId = stringField(line, "custom_id");
        if (customId) outcomes.set(customId, this.#outcome(line.result));
      }
      return outcomes;
    });
  }

  #outcome(result: unknown): ItemOutcome {
    const type = stringField(result, "type");
    if (type === "succeeded" && isRecord(result))
      return { type: "succeeded", body: result.message };
    // errored: { error: { type: "error", error: { type, message } } }; canceled and expired: none.
    const outer = isRecord(result) ? result.error : undefined;
    const inner = isRecord(outer) && isRecord(outer.error) ? outer.error : outer;
    const failure = itemFailure(this.#call, {
      type: type === "errored" ? stringField(inner, "type") : type,
      message: stringField(inner, "message") ?? (type ? `the request was ${type}` : undefined),
    });
    return { type: "failed", error: failure };
  }

  #request<Result>(work: (signal: AbortSignal) => Promise<Result>): Promise<Result> {
    return callProvider(this.#call, describeAnthropicError, work);
  }
}
