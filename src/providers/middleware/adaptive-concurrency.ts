/**
 * A concurrency limit that finds what a provider tolerates: below its maximum it doubles while
 * calls succeed (slow start), halves on a rate-limit reply, then grows by one per window of
 * successes. Endpoints start it at the limit that binds (model-environment.ts).
 */
export class AdaptiveConcurrency {
  private limit: number;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private successesSinceChange = 0;
  private slowStart = true;

  constructor(private readonly options: { initial: number; max: number; min?: number }) {
    this.limit = Math.max(options.min ?? 1, Math.min(options.initial, options.max));
  }

  get current(): number {
    return this.limit;
  }

  async acquire(): Promise<void> {
    if (this.inFlight < this.limit) {
      this.inFlight += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(outcome: "success" | "rate_limited" | "failure"): void {
    if (outcome === "rate_limited") this.decrease();
    else if (outcome === "success") this.increaseAfterSuccess();
    this.inFlight -= 1;
    this.wakeWaiters();
  }

  private increaseAfterSuccess(): void {
    this.successesSinceChange += 1;
    const window = this.slowStart ? 1 : this.limit;
    if (this.successesSinceChange < window) return;
    this.successesSinceChange = 0;
    this.limit = Math.min(this.options.max, this.slowStart ? this.limit * 2 : this.limit + 1);
  }

  private decrease(): void {
    this.slowStart = false;
    this.successesSinceChange = 0;
    this.limit = Math.max(this.options.min ?? 1, Math.floor(this.limit / 2));
  }

  private wakeWaiters(): void {
    while (this.inFlight < this.limit && this.waiting.length > 0) {
      this.inFlight += 1;
      this.waiting.shift()?.();
    }
  }
}

/** A plain counting semaphore: the global `--max-concurrency` across every provider. */
export class Semaphore extends AdaptiveConcurrency {
  constructor(size: number) {
    super({ initial: size, max: size, min: size });
  }
}
