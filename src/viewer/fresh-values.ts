/**
 * Values computed from runs, kept per key with the run version (stamp) they were computed at.
 * Requests for a key share one computation: while one runs, requests at its stamp join it, and
 * requests that see a newer stamp share a single follow-up computation that starts when it ends
 * (reading the stamp then). So a run being written never has more than one computation of a
 * value running and one waiting, however many requests arrive, and no answer predates its
 * request. Only the most recently used `capacity` keys are kept.
 */
export class FreshValues {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity: number) {}

  get<Value>(key: string, stampNow: () => string, compute: () => Promise<Value>): Promise<Value> {
    const entry = this.entries.get(key);
    const value = entry
      ? this.reuse(key, entry, stampNow, compute)
      : this.start(key, stampNow(), compute);
    const current = this.entries.get(key);
    if (current) {
      this.entries.delete(key);
      this.entries.set(key, current);
    }
    for (const oldest of [...this.entries.keys()].slice(0, -this.capacity))
      this.entries.delete(oldest);
    return value as Promise<Value>;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The last value computed for a key, whatever its stamp, starting a fresh one if the stamp
   * moved on: for answers where a value one version old is fine and waiting is not.
   */
  recent<Value>(
    key: string,
    stampNow: () => string,
    compute: () => Promise<Value>,
  ): Promise<Value> {
    const fresh = this.get(key, stampNow, compute);
    const settled = this.entries.get(key)?.settled;
    return settled ? Promise.resolve(settled.value as Value) : fresh;
  }

  private reuse(
    key: string,
    entry: Entry,
    stampNow: () => string,
    compute: () => Promise<unknown>,
  ): Promise<unknown> {
    if (entry.followUp) return entry.followUp;
    const stamp = stampNow();
    if (entry.stamp === stamp) return entry.value;
    if (!entry.running) return this.start(key, stamp, compute);
    entry.followUp = entry.value
      .catch(() => undefined)
      .then(() => this.start(key, stampNow(), compute));
    return entry.followUp;
  }

  private start(key: string, stamp: string, compute: () => Promise<unknown>): Promise<unknown> {
    const settled = this.entries.get(key)?.settled;
    const entry: Entry = { stamp, value: compute(), running: true, settled };
    this.entries.set(key, entry);
    entry.value.then(
      (value) => {
        entry.running = false;
        entry.settled = { value };
      },
      () => {
        entry.running = false;
        // A computation that failed is tried again next time, not remembered.
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.value;
  }
}

interface Entry {
  stamp: string;
  value: Promise<unknown>;
  running: boolean;
  /** The one computation that starts when this one ends, for requests that saw a newer stamp. */
  followUp?: Promise<unknown>;
  /** The last value computed for the key, kept when a newer computation takes its place. */
  settled?: { value: unknown };
}
