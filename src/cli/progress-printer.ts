import type { Writable } from "node:stream";
import { MultiBar, Presets, type SingleBar } from "cli-progress";
import type { EndpointFigures } from "../providers/call-monitor.ts";
import type { Price } from "../providers/price-table.ts";
import type { RunProgress } from "../runner/run-experiment.ts";
import { trialUsage } from "../runner/trial-usage.ts";
import type { TrialResult } from "../spec/trial-record.ts";
import { formatDuration, SubjectTally } from "./subject-tally.ts";

export type ProgressMode = "bars" | "lines" | "json" | "quiet";

/** Live figures of one endpoint's calls, as the progress display shows them. */
export type CallFigures = Pick<
  EndpointFigures,
  "spec" | "endpoint" | "requestsPerSecond" | "tokensPerSecond" | "rateLimited" | "retries"
>;

/** What the display needs before the first trial: each subject's share of the run and prices. */
export interface ProgressPlan {
  /** Per subject: trials in the run, and those already finished (a resumed run). */
  subjects: ReadonlyArray<{ subject: string; total: number; done: number; errors: number }>;
  prices: ReadonlyMap<string, Price | undefined>;
  pressurer?: string | undefined;
  /** Per-endpoint call figures, read at each redraw. */
  calls?: (() => readonly CallFigures[]) | undefined;
}

export interface ProgressReporter {
  start(plan: ProgressPlan): void;
  trialDone(result: TrialResult, progress: RunProgress): void;
  /** A line for the person at the terminal (on stderr), above the bars when they are shown. */
  note(message: string): void;
  stop(): void;
}

function noteOnStderr(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Bars on a terminal, a plain line every few seconds elsewhere, or one JSON event per trial. */
export function createProgressReporter(
  mode: ProgressMode,
  out: Writable & { isTTY?: boolean },
): ProgressReporter {
  if (mode === "quiet") return { start() {}, trialDone() {}, note: noteOnStderr, stop() {} };
  if (mode === "json") return jsonEvents(out);
  if (mode === "bars" && out.isTTY) return terminalBars(out);
  return plainLines(out);
}

/** Per-subject tallies, made from the plan or, without one, from the first trial of each subject. */
class Tallies {
  private readonly bySubject = new Map<string, SubjectTally>();
  private plan: ProgressPlan | undefined;

  start(plan: ProgressPlan): SubjectTally[] {
    this.plan = plan;
    for (const { subject, total, done, errors } of plan.subjects)
      this.bySubject.set(subject, new SubjectTally(subject, total, { done, errors }));
    return [...this.bySubject.values()];
  }

  add(result: TrialResult, progress: RunProgress): { tally: SubjectTally; created: boolean } {
    let tally = this.bySubject.get(result.subject);
    const created = tally === undefined;
    if (!tally) {
      tally = new SubjectTally(result.subject, progress.total, { done: 0, errors: 0 });
      this.bySubject.set(result.subject, tally);
    }
    // Without a plan (re-judging a run) the trial's stored calls were paid for earlier.
    const usage = this.plan
      ? trialUsage(result, this.plan.prices, this.plan.pressurer)
      : { tokens: 0, costUsd: 0, unpriced: [] };
    tally.add(result.status === "error" ? "error" : "complete", usage);
    return { tally, created };
  }

  get all(): SubjectTally[] {
    return [...this.bySubject.values()];
  }

  calls(): readonly CallFigures[] {
    return this.plan?.calls?.() ?? [];
  }
}

function subjectPayload(tally: SubjectTally) {
  const rate = tally.ratePerSecond;
  return {
    subject: tally.subject,
    rate: rate === undefined ? "–" : (rate * 60).toFixed(1),
    eta: formatDuration(tally.etaSeconds),
    errors: tally.errors,
    tokens: tally.tokens,
    cost: tally.costText,
  };
}

function callsText(calls: readonly CallFigures[]): string {
  return calls
    .map(
      (call) =>
        `${call.spec} at ${call.endpoint}: ${call.requestsPerSecond.toFixed(1)} req/s, ${Math.round(call.tokensPerSecond)} tokens/s, 429s ${call.rateLimited}, retries ${call.retries}`,
    )
    .join("; ");
}

/** A bar per subject counting its own trials; one line per endpoint with its calls' figures. */
function terminalBars(out: Writable): ProgressReporter {
  const bars = new MultiBar(
    {
      stream: out as NodeJS.WritableStream,
      format:
        " {subject} |{bar}| {value}/{total} trials | {rate}/min | ETA {eta} | errors {errors} | {tokens} tokens | {cost}",
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_grey,
  );
  const tallies = new Tallies();
  const subjectBars = new Map<string, SingleBar>();
  let callsBar: SingleBar | undefined;
  const barOf = (tally: SubjectTally) => {
    let bar = subjectBars.get(tally.subject);
    if (!bar) {
      bar = bars.create(tally.total, tally.done, subjectPayload(tally));
      subjectBars.set(tally.subject, bar);
    }
    return bar;
  };
  const refreshCalls = () => {
    const calls = tallies.calls();
    if (calls.length === 0) return;
    callsBar ??= bars.create(1, 0, { calls: "" }, { format: " calls: {calls}" });
    callsBar.update(0, { calls: callsText(calls) });
  };
  const timer = setInterval(refreshCalls, 1000);
  timer.unref();
  return {
    start(plan) {
      for (const tally of tallies.start(plan)) barOf(tally);
      refreshCalls();
    },
    trialDone(result, progress) {
      const { tally } = tallies.add(result, progress);
      barOf(tally).update(tally.done, subjectPayload(tally));
      refreshCalls();
    },
    note(message) {
      if (subjectBars.size === 0) out.write(`${message}\n`);
      else {
        // Logged above the bars and drawn now: a stop may follow before the next redraw.
        bars.log(`${message}\n`);
        bars.update();
      }
    },
    stop: () => {
      clearInterval(timer);
      bars.stop();
    },
  };
}

/** Off a terminal: a line per subject every few seconds (and at the end), then the calls. */
function plainLines(out: Writable, intervalMs = 2000): ProgressReporter {
  const tallies = new Tallies();
  let lastPrinted = 0;
  return {
    start(plan) {
      tallies.start(plan);
    },
    trialDone(result, progress) {
      tallies.add(result, progress);
      const now = Date.now();
      if (progress.done < progress.total && now - lastPrinted < intervalMs) return;
      lastPrinted = now;
      for (const tally of tallies.all) {
        const { rate, eta, errors, tokens, cost } = subjectPayload(tally);
        out.write(
          `progress ${tally.subject} ${tally.done}/${tally.total} trials, ${errors} errors, ${rate} trials/min, ETA ${eta}, ${tokens} tokens, ${cost}\n`,
        );
      }
      const calls = tallies.calls();
      if (calls.length > 0) out.write(`calls ${callsText(calls)}\n`);
    },
    note: noteOnStderr,
    stop() {},
  };
}

/** One JSON object per line, for scripts: `{"event":"trial-done",…}`. */
function jsonEvents(out: Writable): ProgressReporter {
  const tallies = new Tallies();
  return {
    start(plan) {
      tallies.start(plan);
    },
    trialDone(result, progress) {
      const { tally } = tallies.add(result, progress);
      const calls = tallies.calls();
      const event = {
        event: "trial-done",
        trial_id: result.trialId,
        subject: result.subject,
        status: result.status,
        done: progress.done,
        total: progress.total,
        subject_done: tally.done,
        subject_total: tally.total,
        subject_errors: tally.errors,
        subject_tokens: tally.tokens,
        subject_cost_usd: tally.costUsd,
        subject_cost_unknown_for: [...tally.unpriced],
        eta_seconds: tally.etaSeconds ?? null,
        tokens: progress.tokens,
        concurrency: progress.concurrency,
        cost_usd: progress.costUsd,
        rate_limited: calls.reduce((sum, call) => sum + call.rateLimited, 0),
        retries: calls.reduce((sum, call) => sum + call.retries, 0),
      };
      out.write(`${JSON.stringify(event)}\n`);
    },
    note: noteOnStderr,
    stop() {},
  };
}
