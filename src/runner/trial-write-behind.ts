import type { TrialResult } from "../spec/trial-record.ts";

/**
 * Writes finished trials behind the run: a trial handed over is written, with every other trial
 * handed over meanwhile, in one transaction once the event loop has gone round again. The trial's worker goes straight on to its next model call instead of waiting for the
 * disk, and a run pays one commit for a batch instead of one a trial (at 1,000 calls against a
 * zero-latency stub the commit alone was about a third of a millisecond a trial). A process
 * killed before a batch is written loses at most that batch, whose trials stay pending and run
 * again on resume.
 */
export class TrialWriteBehind {
  readonly #save: (results: readonly TrialResult[]) => void;
  #batch: TrialResult[] = [];
  #batchWritten: Promise<void> | undefined;
  readonly #unsettled = new Set<Promise<void>>();

  constructor(save: (results: readonly TrialResult[]) => void) {
    this.#save = save;
  }

  /** Resolves once the trial is stored, rejects with the store's error if its batch failed. */
  write(result: TrialResult): Promise<void> {
    this.#batch.push(result);
    if (!this.#batchWritten) {
      // Two turns on: workers that yield to the event loop after handing a trial over (see
      // run-experiment.ts) send their next requests before the batch is written.
      const written = new Promise<void>((resolve, reject) =>
        setImmediate(() => setImmediate(() => this.#writeBatch(resolve, reject))),
      );
      this.#batchWritten = written;
      this.#unsettled.add(written);
      const forget = () => this.#unsettled.delete(written);
      written.then(forget, forget);
    }
    return this.#batchWritten;
  }

  /** Settles once every trial handed over so far is written or its batch has failed. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#unsettled]);
  }

  #writeBatch(resolve: () => void, reject: (error: unknown) => void): void {
    const batch = this.#batch;
    this.#batch = [];
    this.#batchWritten = undefined;
    try {
      this.#save(batch);
      resolve();
    } catch (error) {
      reject(error);
    }
  }
}
