/**
 * One endpoint's calls counted, never a key: what the call monitor keeps while a session runs and
 * what the progress file the viewer reads records of it.
 */
export interface EndpointCounts {
  /** The model spec, e.g. `openai:gpt-4o`. */
  spec: string;
  /** The base URL (never a key). */
  endpoint: string;
  requestsSent: number;
  successes: number;
  /** Replies that were 429s. */
  rateLimited: number;
  /** Calls tried again after a failure at this endpoint. */
  retries: number;
  /** Calls sent but not yet answered. */
  inFlight: number;
}
