/**
 * A token bucket on an explicit clock: `capacity` tokens at most, refilled at `ratePerMs`. The level
 * may be set to refill only from a future time (a cool-down), so that callers resume at the
 * bucket's rate after it instead of all at once.
 */
export class TokenBucket {
  #level: number;
  #updatedAt: number;

  constructor(
    public capacity: number,
    public ratePerMs: number,
    now: number,
    level = capacity,
  ) {
    this.#level = Math.min(capacity, level);
    this.#updatedAt = now;
  }

  level(now: number): number {
    this.#refill(now);
    return this.#level;
  }

  /** Milliseconds until `amount` can be taken (an amount over the capacity waits for a full bucket). */
  waitFor(amount: number, now: number): number {
    this.#refill(now);
    const needed = Math.min(amount, this.capacity);
    const notBefore = Math.max(0, this.#updatedAt - now);
    if (this.#level >= needed) return notBefore;
    return notBefore + Math.ceil((needed - this.#level) / this.ratePerMs);
  }

  take(amount: number, now: number): void {
    this.#refill(now);
    this.#level -= amount;
  }

  /** Gives back (positive) or charges (negative) the difference between an estimate and the truth. */
  adjust(amount: number, now: number): void {
    this.#refill(now);
    this.#level = Math.min(this.capacity, this.#level + amount);
  }

  /** The provider says this much is left: never believe we have more. */
  atMost(remaining: number, now: number): void {
    this.#refill(now);
    this.#level = Math.min(this.#level, remaining);
  }

  /** Empty until `until`, refilling from then on. */
  emptyUntil(until: number, now: number): void {
    this.#refill(now);
    this.#level = Math.min(this.#level, 0);
    this.#updatedAt = Math.max(this.#updatedAt, until);
  }

  resize(capacity: number, ratePerMs: number, now: number): void {
    this.#refill(now);
    this.capacity = capacity;
    this.ratePerMs = ratePerMs;
    this.#level = Math.min(this.#level, capacity);
  }

  #refill(now: number): void {
    if (now <= this.#updatedAt) return;
    this.#level = Math.min(this.capacity, this.#level + (now - this.#updatedAt) * this.ratePerMs);
    this.#updatedAt = now;
  }
}
