import type { TrialUsage } from "../runner/trial-usage.ts";
import { describeSpend } from "./describe-spend.ts";

/** Completions kept for the rate: the last minute's, at most this many. */
const WINDOW_MS = 60_000;
const WINDOW_TRIALS = 200;

/**
 * One subject's progress: its own trials (a resumed run counts what was done before), the tokens
 * and dollars of this process's trials, and an ETA from the recent pace rather than the average
 * since start, so a run that slowed down (a rate limit) or sped up (a warm cache) says so.
 */
export class SubjectTally {
  done: number;
  errors: number;
  tokens = 0;
  costUsd = 0;
  readonly unpriced = new Set<string>();
  private readonly finishedAt: number[] = [];

  constructor(
    readonly subject: string,
    readonly total: number,
    before: { done: number; errors: number },
    private readonly now: () => number = Date.now,
  ) {
    this.done = before.done;
    this.errors = before.errors;
    this.finishedAt.push(now());
  }

  add(status: "complete" | "error", usage: TrialUsage): void {
    this.done += 1;
    if (status === "error") this.errors += 1;
    this.tokens += usage.tokens;
    this.costUsd += usage.costUsd;
    for (const spec of usage.unpriced) this.unpriced.add(spec);
    const now = this.now();
    this.finishedAt.push(now);
    while (
      this.finishedAt.length > 2 &&
      (this.finishedAt.length > WINDOW_TRIALS + 1 ||
        now - (this.finishedAt[0] as number) > WINDOW_MS)
    )
      this.finishedAt.shift();
  }

  /** Trials per second over the recent window (the first entry is the window's start). */
  get ratePerSecond(): number | undefined {
    const trials = this.finishedAt.length - 1;
    const seconds = (this.now() - (this.finishedAt[0] as number)) / 1000;
    return trials > 0 && seconds > 0 ? trials / seconds : undefined;
  }

  /** Seconds left at the recent pace; undefined until a trial of this process has finished. */
  get etaSeconds(): number | undefined {
    const rate = this.ratePerSecond;
    if (this.done >= this.total) return 0;
    return rate ? Math.ceil((this.total - this.done) / rate) : undefined;
  }

  get costText(): string {
    return describeSpend({ costUsd: this.costUsd, unpricedModels: [...this.unpriced] });
  }
}

/** `42 s`, `12 min`, `3.5 h`, or `–` when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined) return "–";
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
