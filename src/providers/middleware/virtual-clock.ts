import type { Clock } from "./clock.ts";

/**
 * A clock for tests: time stands still until every pending callback has run, then jumps to the
 * next sleeper's wake-up time. Nothing waits on wall time.
 */
export class VirtualClock implements Clock {
  time = 0;
  readonly #sleepers: Array<{ at: number; wake: () => void }> = [];

  now = (): number => this.time;

  sleep = (milliseconds: number): Promise<void> =>
    new Promise((wake) => {
      this.#sleepers.push({ at: this.time + Math.max(0, milliseconds), wake });
    });

  /** Runs virtual time forward until the promise settles; fails if nothing is left to wake. */
  async settle<T>(promise: Promise<T>): Promise<T> {
    let settled = false;
    promise.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    for (;;) {
      await drainCallbacks();
      if (settled) return promise;
      this.#sleepers.sort((first, second) => first.at - second.at);
      const next = this.#sleepers.shift();
      if (!next) throw new Error("virtual clock: the promise waits on something other than time");
      this.time = Math.max(this.time, next.at);
      next.wake();
    }
  }
}

async function drainCallbacks(): Promise<void> {
  for (let round = 0; round < 5; round++) await new Promise((resolve) => setImmediate(resolve));
}
