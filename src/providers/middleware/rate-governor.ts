import { type Clock, SYSTEM_CLOCK } from "./clock.ts";
import {
  type RateLimitObservation,
  readRateLimitHeaders,
  type StatedLimit,
} from "./rate-limit-headers.ts";
import { TokenBucket } from "./token-bucket.ts";

/** Limits the experiment states (`models.SPEC.rpm`, `tpm`); what is not stated is learned. */
export interface ConfiguredLimits {
  requestsPerMinute?: number | undefined;
  tokensPerMinute?: number | undefined;
}

/** A 429 that names no time to wait costs this cool-down. */
const DEFAULT_COOL_DOWN_MS = 1000;
const MINUTE_MS = 60_000;

interface Waiter {
  tokens: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
}

/**
 * Paces the calls of one endpoint (base URL + model, the scope providers document their limits
 * for) with a bucket for requests and one for tokens. Callers queue in order; one pump admits them
 * as the buckets allow. A 429 starts one cool-down shared by every caller of the endpoint, after
 * which callers are admitted at the bucket's rate, not all at once.
 *
 * Configured limits get a burst of one second's worth (providers enforce per-minute limits over
 * short windows). A learned limit's burst is what the provider's headers imply: what remains plus
 * what refills until the stated reset (the time at which the provider's bucket is full again).
 */
export class RateGovernor {
  #requests: TokenBucket | undefined;
  #tokens: TokenBucket | undefined;
  #coolDownUntil = 0;
  /** Calls admitted and not yet settled. */
  #inFlight = 0;
  readonly #queue: Waiter[] = [];
  #pumping = false;

  constructor(
    private readonly configured: ConfiguredLimits = {},
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {
    const now = clock.now();
    if (configured.requestsPerMinute)
      this.#requests = configuredBucket(configured.requestsPerMinute, now);
    if (configured.tokensPerMinute)
      this.#tokens = configuredBucket(configured.tokensPerMinute, now);
  }

  /** Requests per minute this governor paces to, or undefined while no limit is known. */
  get requestsPerMinute(): number | undefined {
    return this.#requests ? this.#requests.ratePerMs * MINUTE_MS : undefined;
  }

  get coolDownUntil(): number {
    return this.#coolDownUntil;
  }

  /** Milliseconds a call with this token estimate would wait if it asked now (for routing). */
  expectedWait(tokens: number): number {
    const now = this.clock.now();
    const waits = [
      this.#coolDownUntil - now,
      this.#requests?.waitFor(1 + this.#queue.length, now) ?? 0,
      this.#tokens?.waitFor(tokens, now) ?? 0,
    ];
    return Math.max(0, ...waits);
  }

  /** Resolves when the call may be sent; rejects with the signal's reason if it aborts first. */
  admit(tokens: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { tokens, resolve, reject };
      const onAbort = () => {
        const index = this.#queue.indexOf(waiter);
        if (index >= 0) this.#queue.splice(index, 1);
        reject(signal?.reason);
      };
      waiter.resolve = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#queue.push(waiter);
      void this.#pump();
    });
  }

  /**
   * After every admitted call, answered or failed: the token estimate it was admitted with is
   * replaced by what it really used.
   */
  settle(estimatedTokens: number, actualTokens: number): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    this.#tokens?.adjust(estimatedTokens - actualTokens, this.clock.now());
  }

  /** Learns from a reply's rate-limit headers; `rateLimited` when the reply was a 429. */
  observe(
    headers: Readonly<Record<string, string>>,
    rateLimited: boolean,
    retryAfterMs?: number,
  ): void {
    const now = this.clock.now();
    const observation = readRateLimitHeaders(headers, now);
    this.#requests = this.#learn(
      this.#requests,
      observation.requests,
      "requests",
      rateLimited,
      now,
    );
    this.#tokens = this.#learn(this.#tokens, observation.tokens, "tokens", rateLimited, now);
    if (rateLimited) this.#coolDown(observation, retryAfterMs, now);
  }

  #coolDown(observation: RateLimitObservation, retryAfterMs: number | undefined, now: number) {
    const wait =
      observation.retryAfterMs ??
      retryAfterMs ??
      observation.requests?.resetMs ??
      DEFAULT_COOL_DOWN_MS;
    // A 429 that names no wait (or zero) still means the server is full: wait a little.
    const until = now + Math.max(wait, 50);
    this.#coolDownUntil = Math.max(this.#coolDownUntil, until);
    this.#requests?.emptyUntil(this.#coolDownUntil, now);
  }

  #learn(
    bucket: TokenBucket | undefined,
    stated: StatedLimit | undefined,
    dimension: "requests" | "tokens",
    rateLimited: boolean,
    now: number,
  ): TokenBucket | undefined {
    if (!stated) return bucket;
    const configured =
      dimension === "requests"
        ? this.configured.requestsPerMinute
        : this.configured.tokensPerMinute;
    let learned = bucket;
    if (!configured && stated.limit !== undefined) {
      const ratePerMs = stated.limit / MINUTE_MS;
      const capacity = impliedCapacity(stated, ratePerMs);
      if (learned) learned.resize(capacity, ratePerMs, now);
      else learned = this.#firstBucket(stated, capacity, ratePerMs, dimension, rateLimited, now);
    }
    if (stated.remaining !== undefined) learned?.atMost(stated.remaining, now);
    return learned;
  }

  /**
   * A bucket learned from the first reply that states a limit. Calls sent before any limit was
   * known and still unanswered were not taken from a bucket, and an answer's `remaining` may not
   * count them yet (they can reach the server after it), so they are taken from it now. Not when
   * the reply is a 429: the server is full, so each of those calls either reached it first (and
   * is in what remains) or will be turned away too, using nothing. Taking them anyway held every
   * caller for their whole count at the bucket's rate: 16 calls sent at once into a 4-per-second
   * limit left it idle for 4 s after the first 429.
   */
  #firstBucket(
    stated: StatedLimit,
    capacity: number,
    ratePerMs: number,
    dimension: "requests" | "tokens",
    rateLimited: boolean,
    now: number,
  ): TokenBucket {
    const bucket = new TokenBucket(capacity, ratePerMs, now, stated.remaining ?? capacity);
    if (dimension === "requests" && !rateLimited) bucket.take(this.#inFlight, now);
    return bucket;
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#queue.length > 0) {
        const head = this.#queue[0] as Waiter;
        const now = this.clock.now();
        const wait = Math.max(
          this.#coolDownUntil - now,
          this.#requests?.waitFor(1, now) ?? 0,
          this.#tokens?.waitFor(head.tokens, now) ?? 0,
        );
        if (wait > 0) {
          await this.clock.sleep(wait);
          continue;
        }
        this.#queue.shift();
        this.#inFlight += 1;
        this.#requests?.take(1, now);
        this.#tokens?.take(head.tokens, now);
        head.resolve();
      }
    } finally {
      this.#pumping = false;
    }
  }
}

function configuredBucket(perMinute: number, now: number): TokenBucket {
  const ratePerMs = perMinute / MINUTE_MS;
  return new TokenBucket(Math.max(1, ratePerMs * 1000), ratePerMs, now);
}

function impliedCapacity(stated: StatedLimit, ratePerMs: number): number {
  const limit = stated.limit ?? 1;
  if (stated.remaining === undefined || stated.resetMs === undefined)
    return Math.max(1, Math.min(limit, ratePerMs * 1000));
  // The provider rounds what remains down, so the sum falls short of the capacity by under one.
  const implied = Math.ceil(stated.remaining + stated.resetMs * ratePerMs);
  return Math.max(1, Math.min(limit, implied));
}
