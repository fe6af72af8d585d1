import type { EndpointCounts } from "../spec/endpoint-counts.ts";
import type { ProviderErrorKind } from "./provider-error.ts";

/** One endpoint's figures so far, and its pace over the last `windowSeconds`. */
export interface EndpointFigures extends EndpointCounts {
  /** Failed attempts by kind (429s included as `rate_limit`). */
  failures: Partial<Record<ProviderErrorKind | "other", number>>;
  inputTokens: number;
  outputTokens: number;
  windowSeconds: number;
  /** Requests sent per second over the window. */
  requestsPerSecond: number;
  /** Input + output tokens of successful calls per second over the window. */
  tokensPerSecond: number;
}

/** An endpoint's running counts, and the times inside the pace window, oldest first. */
type Tally = Omit<EndpointFigures, "windowSeconds" | "requestsPerSecond" | "tokensPerSecond"> & {
  firstSeenAt: number;
  sentAt: number[];
  tokensAt: Array<{ at: number; tokens: number }>;
};

/**
 * Live counts of model calls per endpoint (spec + base URL), for progress displays. The endpoint
 * layer records every attempt; the retry layer records retries.
 */
export class CallMonitor {
  readonly #tallies = new Map<string, Tally>();

  constructor(
    private readonly windowMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  recordSent(spec: string, endpoint: string): void {
    const tally = this.#tally(spec, endpoint);
    tally.requestsSent += 1;
    tally.inFlight += 1;
    tally.sentAt.push(this.now());
    this.#prune(tally);
  }

  recordSuccess(
    spec: string,
    endpoint: string,
    usage: { inputTokens: number; outputTokens: number },
  ): void {
    const tally = this.#tally(spec, endpoint);
    tally.successes += 1;
    tally.inFlight = Math.max(0, tally.inFlight - 1);
    tally.inputTokens += usage.inputTokens;
    tally.outputTokens += usage.outputTokens;
    tally.tokensAt.push({ at: this.now(), tokens: usage.inputTokens + usage.outputTokens });
  }

  recordFailure(spec: string, endpoint: string, kind: ProviderErrorKind | "other"): void {
    const tally = this.#tally(spec, endpoint);
    tally.inFlight = Math.max(0, tally.inFlight - 1);
    tally.failures[kind] = (tally.failures[kind] ?? 0) + 1;
    if (kind === "rate_limit") tally.rateLimited += 1;
  }

  recordRetry(spec: string, endpoint: string): void {
    this.#tally(spec, endpoint).retries += 1;
  }

  snapshot(): EndpointFigures[] {
    return [...this.#tallies.values()].map((tally) => {
      this.#prune(tally);
      const seconds = this.windowMs / 1000;
      // A young endpoint's rate is over the time it has been seen (at least a second), not the window.
      const observedSeconds = Math.max(
        1,
        Math.min(seconds, (this.now() - tally.firstSeenAt) / 1000),
      );
      const tokens = tally.tokensAt.reduce((sum, entry) => sum + entry.tokens, 0);
      const { sentAt: _sent, tokensAt: _tokens, firstSeenAt: _first, ...counts } = tally;
      return {
        ...counts,
        failures: { ...tally.failures },
        windowSeconds: seconds,
        requestsPerSecond: tally.sentAt.length / observedSeconds,
        tokensPerSecond: tokens / observedSeconds,
      };
    });
  }

  #tally(spec: string, endpoint: string): Tally {
    const key = `${spec} ${endpoint}`;
    let tally = this.#tallies.get(key);
    if (!tally) {
      tally = {
        spec,
        endpoint,
        requestsSent: 0,
        successes: 0,
        rateLimited: 0,
        retries: 0,
        failures: {},
        inputTokens: 0,
        outputTokens: 0,
        inFlight: 0,
        firstSeenAt: this.now(),
        sentAt: [],
        tokensAt: [],
      };
      this.#tallies.set(key, tally);
    }
    return tally;
  }

  #prune(tally: Tally): void {
    const since = this.now() - this.windowMs;
    while ((tally.sentAt[0] ?? since) < since) tally.sentAt.shift();
    while ((tally.tokensAt[0]?.at ?? since) < since) tally.tokensAt.shift();
  }
}
