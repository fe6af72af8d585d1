import type { ProviderError } from "../provider-error.ts";

/** One request of a batch: its stable id and the body the synchronous API would get. */
export interface BatchItem {
  customId: string;
  body: unknown;
}

/** What came back for one request: the provider's response body, or why there is none. */
export type ItemOutcome =
  | { type: "succeeded"; body: unknown }
  | { type: "failed"; error: ProviderError };

/** Where a submitted batch stands. `failure` says why an ended batch has missing results. */
export type BatchState = { ended: false } | { ended: true; status: string; failure?: string };

/**
 * A provider's batch endpoints (OpenAI's Batch API, Anthropic's Message Batches): submit a set of
 * requests, ask how the batch stands, read its results by custom id. Errors are ProviderErrors.
 */
export interface BatchTransport {
  readonly provider: "openai" | "anthropic";
  /** Requests one batch may hold (the provider's documented limit). */
  readonly maxRequests: number;
  /** Bytes of request bodies one batch may hold, with room to spare. */
  readonly maxBytes: number;
  /** Submits the requests as one batch and returns its id. */
  submit(items: readonly BatchItem[]): Promise<string>;
  state(batchId: string): Promise<BatchState>;
  /** The outcome of every request the ended batch has a result for, by custom id. */
  results(batchId: string): Promise<Map<string, ItemOutcome>>;
}
