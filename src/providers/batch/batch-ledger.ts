import type { ProviderBatches } from "../../store/provider-batches.ts";

/** Identifies a batch across runs of candor: the same id at another server is another batch. */
export interface BatchKey {
  provider: string;
  endpoint: string;
  batchId: string;
}

/**
 * Where a model records the batches it submits, attached once the run directory exists (models are
 * made before it does). Batches found at attach time were submitted by an earlier process of this
 * run: a request found in one is read from it (or waited for) instead of being sent again.
 */
export class BatchLedger {
  #store: Promise<ProviderBatches> | undefined;
  /** `provider endpoint customId` → the latest earlier batch holding that request. */
  #inherited: Promise<Map<string, BatchKey>> | undefined;

  /** Called by the command once the run directory exists; the store module loads only now. */
  attach(runDirectory: string): void {
    this.#store = import("../../store/provider-batches.ts").then(
      ({ ProviderBatches }) => new ProviderBatches(runDirectory),
    );
    this.#inherited = this.#store
      .then((store) => inheritedRequests(store))
      .catch((error: unknown) => {
        // Without the ledger nothing is lost but the reuse: earlier batches' requests go again.
        process.emitWarning(`candor: the run's batch ledger cannot be read: ${String(error)}`);
        return new Map<string, BatchKey>();
      });
  }

  get attached(): boolean {
    return this.#store !== undefined;
  }

  async earlierBatchOf(
    provider: string,
    endpoint: string,
    customId: string,
  ): Promise<BatchKey | undefined> {
    const inherited = await this.#inherited;
    return inherited?.get(`${provider} ${endpoint} ${customId}`);
  }

  async recordSubmitted(
    key: BatchKey,
    modelSpec: string,
    customIds: readonly string[],
  ): Promise<void> {
    const store = await this.#store;
    store?.record({
      ...key,
      modelSpec,
      customIds,
      status: "submitted",
      submittedAt: new Date().toISOString(),
    });
  }

  async recordStatus(key: BatchKey, status: string): Promise<void> {
    (await this.#store)?.setStatus(key, status);
  }
}

function inheritedRequests(store: ProviderBatches): Map<string, BatchKey> {
  const requests = new Map<string, BatchKey>();
  for (const batch of store.all()) {
    const key = { provider: batch.provider, endpoint: batch.endpoint, batchId: batch.batchId };
    for (const customId of batch.customIds)
      requests.set(`${batch.provider} ${batch.endpoint} ${customId}`, key);
  }
  return requests;
}
