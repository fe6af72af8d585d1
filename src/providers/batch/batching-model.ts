import type { GenerateRequest, GenerateResult, LanguageModel } from "../../spec/language-model.ts";
import { ProviderError } from "../provider-error.ts";
import type { BatchKey, BatchLedger } from "./batch-ledger.ts";
import { BatchRounds, type Delivery } from "./batch-rounds.ts";
import type { BatchTiming } from "./batch-timing.ts";
import type { BatchTransport, ItemOutcome } from "./batch-transport.ts";
import { customIdOf } from "./custom-id.ts";
import { waitForBatch } from "./wait-for-batch.ts";

/** How a provider's synchronous model builds a request body and reads a response body. */
export interface BatchCodec {
  body(request: GenerateRequest): unknown;
  read(body: unknown, request: GenerateRequest): Omit<GenerateResult, "latencyMs">;
}

export interface BatchingModelOptions {
  spec: string;
  /** The base URL (never a key): part of each custom id and of the ledger's key. */
  endpoint: string;
  transport: BatchTransport;
  codec: BatchCodec;
  timing: BatchTiming;
  /** The run's record of batches; absent outside a run (nothing to resume). */
  ledger?: BatchLedger | undefined;
}

/**
 * A model whose calls go through its provider's batch API. `generate` queues the request; the
 * rounds send it with the others of its round; the result is read exactly as the synchronous model
 * reads one, marked `metadata.batch`. A request that failed for a reason another try could fix
 * (an errored or expired item, a failed batch) goes into the next round, up to `maxRounds`. The
 * same request asked twice at once (arms share a prefix) is sent once, and billed once.
 */
export class BatchingModel implements LanguageModel {
  readonly spec: string;
  readonly simulated = false;
  readonly #options: BatchingModelOptions;
  readonly #rounds: BatchRounds;
  readonly #inFlight = new Map<string, Promise<Delivery>>();
  /** Batches of an earlier process of this run, read (or waited for) once each. */
  readonly #earlierResults = new Map<string, Promise<Map<string, ItemOutcome>>>();

  constructor(options: BatchingModelOptions) {
    this.spec = options.spec;
    this.#options = options;
    this.#rounds = new BatchRounds(options.spec, options.transport, options.timing, {
      submitted: async (batchId, customIds) =>
        options.ledger?.recordSubmitted(this.#key(batchId), options.spec, customIds),
      ended: async (batchId, status) => options.ledger?.recordStatus(this.#key(batchId), status),
    });
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    request.signal?.throwIfAborted();
    const started = performance.now();
    const body = this.#options.codec.body(request);
    const customId = customIdOf(this.spec, this.#options.endpoint, body);
    let failure: ProviderError | undefined;
    for (let round = 1; round <= this.#options.timing.maxRounds; round++) {
      const twin = this.#inFlight.has(customId);
      const delivery = await abortable(this.#attempt(customId, body, round === 1), request.signal);
      try {
        return this.#read(delivery, request, started, twin);
      } catch (error) {
        if (!(error instanceof ProviderError) || !error.retryable) throw error;
        failure = error;
      }
    }
    const rounds = this.#options.timing.maxRounds;
    throw new ProviderError(`${failure?.message} (failed in ${rounds} batch rounds)`, {
      kind: failure?.kind ?? "server",
      ...(failure?.status !== undefined ? { status: failure.status } : {}),
      cause: failure,
    });
  }

  /**
   * A twin's copy is marked `cached`, as the response cache marks a request that waited for an
   * identical one: the provider billed the request once, so usage, budget and reports count it once.
   */
  #read(
    delivery: Delivery,
    request: GenerateRequest,
    started: number,
    twin: boolean,
  ): GenerateResult {
    if (delivery.outcome.type === "failed") throw delivery.outcome.error;
    const read = this.#options.codec.read(delivery.outcome.body, request);
    const metadata = { ...read.metadata, batch: true, batch_id: delivery.batchId };
    return {
      ...read,
      latencyMs: Math.round(performance.now() - started),
      metadata: twin ? { ...metadata, cached: true } : metadata,
    };
  }

  /** One round for a request: shared with a twin in flight, read from an earlier batch, or sent. */
  #attempt(customId: string, body: unknown, first: boolean): Promise<Delivery> {
    const twin = this.#inFlight.get(customId);
    if (twin) return twin;
    const attempt = (async () => {
      const earlier = first ? await this.#fromEarlierBatch(customId) : undefined;
      return earlier ?? this.#rounds.request({ customId, body });
    })().finally(() => this.#inFlight.delete(customId));
    this.#inFlight.set(customId, attempt);
    return attempt;
  }

  /** The request's result in a batch an earlier process submitted (waiting while it runs). */
  async #fromEarlierBatch(customId: string): Promise<Delivery | undefined> {
    const { ledger, transport, endpoint } = this.#options;
    const key = await ledger?.earlierBatchOf(transport.provider, endpoint, customId);
    if (!key) return undefined;
    let results = this.#earlierResults.get(key.batchId);
    if (!results) {
      results = this.#resultsOfEarlier(key);
      this.#earlierResults.set(key.batchId, results);
    }
    try {
      const outcome = (await results).get(customId);
      return outcome ? { batchId: key.batchId, outcome } : undefined;
    } catch {
      // The provider no longer knows the batch, or it cannot be read: the request is sent anew.
      return undefined;
    }
  }

  async #resultsOfEarlier(key: BatchKey): Promise<Map<string, ItemOutcome>> {
    const { transport, timing, ledger } = this.#options;
    const state = await transport.state(key.batchId);
    const ended = state.ended ? state : await waitForBatch(transport, key.batchId, timing);
    await ledger?.recordStatus(key, ended.status);
    return transport.results(key.batchId);
  }

  #key(batchId: string): BatchKey {
    return {
      provider: this.#options.transport.provider,
      endpoint: this.#options.endpoint,
      batchId,
    };
  }
}

/** Rejects when the caller gives up; the request stays in its batch (it cannot be taken out). */
function abortable<Value>(
  promise: Promise<Value>,
  signal: AbortSignal | undefined,
): Promise<Value> {
  if (!signal) return promise;
  return new Promise<Value>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
