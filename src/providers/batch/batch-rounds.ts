import { ProviderError } from "../provider-error.ts";
import type { BatchTiming } from "./batch-timing.ts";
import type { BatchItem, BatchTransport, ItemOutcome } from "./batch-transport.ts";
import { waitForBatch } from "./wait-for-batch.ts";

/** A request's outcome and the batch that gave it (none when the batch was never made). */
export interface Delivery {
  batchId: string | undefined;
  outcome: ItemOutcome;
}

/** What a round tells its owner: to record the batch in the run, and how it ended. */
export interface RoundEvents {
  submitted(batchId: string, customIds: readonly string[]): Promise<void>;
  ended(batchId: string, status: string): Promise<void>;
}

interface Queued {
  item: BatchItem;
  deliver: (delivery: Delivery) => void;
}

/**
 * Collects requests into batches. With every trial in flight, each round of the run (all trials'
 * next call) arrives within moments and goes out as one batch: the batch is sent once no request
 * came for `collectMs`, after `maxCollectMs` at most, or when it is full. Each request's promise
 * settles with its outcome when the batch has ended; nothing here retries.
 */
export class BatchRounds {
  #queue: Queued[] = [];
  #bytes = 0;
  #firstQueuedAt = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly spec: string,
    private readonly transport: BatchTransport,
    private readonly timing: BatchTiming,
    private readonly events: RoundEvents,
  ) {}

  request(item: BatchItem): Promise<Delivery> {
    return new Promise<Delivery>((deliver) => {
      const bytes = JSON.stringify(item.body).length;
      if (this.#bytes + bytes > this.transport.maxBytes) this.#flush();
      if (this.#queue.length === 0) this.#firstQueuedAt = Date.now();
      this.#queue.push({ item, deliver });
      this.#bytes += bytes;
      if (this.#queue.length >= this.transport.maxRequests) this.#flush();
      else this.#schedule();
    });
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    const untilMax = this.#firstQueuedAt + this.timing.maxCollectMs - Date.now();
    this.#timer = setTimeout(() => this.#flush(), Math.min(this.timing.collectMs, untilMax));
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const round = this.#queue;
    this.#queue = [];
    this.#bytes = 0;
    if (round.length > 0) void this.#send(round);
  }

  async #send(round: readonly Queued[]): Promise<void> {
    let batchId: string | undefined;
    try {
      batchId = await this.transport.submit(round.map((queued) => queued.item));
      await this.#record(() =>
        this.events.submitted(
          batchId as string,
          round.map((queued) => queued.item.customId),
        ),
      );
      const ended = await waitForBatch(this.transport, batchId, this.timing);
      await this.#record(() => this.events.ended(batchId as string, ended.status));
      const results = await this.transport.results(batchId);
      const missing = missingResult(this.spec, batchId, ended.status, ended.failure);
      for (const { item, deliver } of round)
        deliver({ batchId, outcome: results.get(item.customId) ?? missing });
    } catch (error) {
      const outcome: ItemOutcome = { type: "failed", error: asProviderError(this.spec, error) };
      for (const { deliver } of round) deliver({ batchId, outcome });
    }
  }

  /** The ledger is for resuming; a write that fails must not fail the calls themselves. */
  async #record(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      process.emitWarning(`candor: could not record a provider batch in the run: ${String(error)}`);
    }
  }
}

/** A request an ended batch has no result for (the batch failed, expired or was cancelled). */
export function missingResult(
  spec: string,
  batchId: string,
  status: string,
  failure: string | undefined,
): ItemOutcome {
  const why = failure ? `: ${failure}` : "";
  return {
    type: "failed",
    error: new ProviderError(
      `${spec}: batch ${batchId} ended ${status} without this request${why}`,
      {
        kind: "server",
      },
    ),
  };
}

function asProviderError(spec: string, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError(`${spec}: batch failed: ${message}`, { kind: "server", cause: error });
}
