/**
 * The money a run may spend, as a ledger every model call goes through (`withBudget`): a call
 * reserves its worst-case cost before it starts and settles at its actual usage when it ends, so
 * spent + reserved never passes the limit and the final spend is at most the limit (as long as
 * no call uses more than it reserved, which the reservation's upper bound makes sure of).
 */

/** A call the budget refused: starting it could have passed the limit. The run stops; nothing failed. */
export class BudgetExceededError extends Error {
  override readonly name = "BudgetExceededError";

  constructor(
    readonly limitUsd: number,
    readonly spentUsd: number,
    readonly refusedUsd: number,
    readonly spec: string,
  ) {
    super(
      `the cost limit of $${limitUsd} was reached ($${spentUsd.toFixed(4)} spent; a call to ${spec} that could cost up to $${refusedUsd.toFixed(4)} was not started)`,
    );
  }
}

/** What one call holds of the budget while it runs. */
export interface Reservation {
  readonly usd: number;
  settled: boolean;
}

export class SpendBudget {
  #limitUsd: number | undefined;
  #spentUsd = 0;
  #reservedUsd = 0;
  #tokens = 0;
  readonly #unpriced = new Set<string>();
  #refusal: BudgetExceededError | undefined;
  /** Calls waiting for reservations in flight to settle. */
  readonly #waiters = new Set<() => void>();

  constructor(limitUsd?: number) {
    this.#limitUsd = limitUsd;
  }

  /** `--max-cost`; undefined spends without a limit (the ledger still counts). */
  setLimit(limitUsd: number | undefined): void {
    this.#limitUsd = limitUsd;
  }

  get limitUsd(): number | undefined {
    return this.#limitUsd;
  }

  /** Dollars settled so far, over the calls whose model has a known price. */
  get spentUsd(): number {
    return this.#spentUsd;
  }

  /** Dollars held by calls in flight. */
  get reservedUsd(): number {
    return this.#reservedUsd;
  }

  /** Input and output tokens of settled calls (cache hits never reach the budget). */
  get tokens(): number {
    return this.#tokens;
  }

  /** Models that made billed calls without a known price: spentUsd undercounts them. */
  get unpricedModels(): string[] {
    return [...this.#unpriced].sort();
  }

  /** The first call refused, if any: the run stops on it. */
  get refusal(): BudgetExceededError | undefined {
    return this.#refusal;
  }

  /**
   * Holds `usd` for a call. A call that fits only once calls in flight settle waits for them; one
   * that could pass the limit even then is refused with BudgetExceededError.
   */
  async reserve(spec: string, usd: number, signal?: AbortSignal): Promise<Reservation> {
    for (;;) {
      signal?.throwIfAborted();
      const limit = this.#limitUsd;
      if (limit === undefined || this.#spentUsd + this.#reservedUsd + usd <= limit) {
        this.#reservedUsd += usd;
        return { usd, settled: false };
      }
      if (this.#spentUsd + usd > limit || this.#reservedUsd === 0) {
        const refusal = new BudgetExceededError(limit, this.#spentUsd, usd, spec);
        this.#refusal ??= refusal;
        throw refusal;
      }
      await this.#nextSettlement(signal);
    }
  }

  /** Resolves when a call in flight settles (or the signal aborts). */
  #nextSettlement(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#waiters.delete(wake);
        reject(signal?.reason);
      };
      const wake = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      this.#waiters.add(wake);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Ends a reservation at what the call cost; null dollars for a model without a known price. */
  settle(
    reservation: Reservation,
    spec: string,
    usd: number | null,
    tokens: { inputTokens: number; outputTokens: number },
  ): void {
    const count = tokens.inputTokens + tokens.outputTokens;
    if (count > 0) {
      this.#tokens += count;
      if (usd === null) this.#unpriced.add(spec);
      else this.#spentUsd += usd;
    }
    // Released after the charge, so waiting calls see what was spent.
    this.release(reservation);
  }

  /** Ends a reservation without a charge: the call failed before anything was billed. */
  release(reservation: Reservation): void {
    if (reservation.settled) return;
    reservation.settled = true;
    this.#reservedUsd = Math.max(0, this.#reservedUsd - reservation.usd);
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }
}
