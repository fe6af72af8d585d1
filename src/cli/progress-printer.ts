import type { Writable } from "node:stream";
import { MultiBar, Presets, type SingleBar } from "cli-progress";
import type { RunProgress } from "../runner/run-experiment.ts";
import type { TrialResult } from "../spec/trial-record.ts";

export type ProgressMode = "bars" | "lines" | "json" | "quiet";

export interface ProgressReporter {
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
  if (mode === "quiet") return { trialDone() {}, note: noteOnStderr, stop() {} };
  if (mode === "json") return jsonEvents(out);
  if (mode === "bars" && out.isTTY) return terminalBars(out);
  return plainLines(out);
}

interface Tally {
  done: number;
  errors: number;
  total: number;
}

/** Per subject: done/total, rate, ETA, errors; cost so far across the run. */
function terminalBars(out: Writable): ProgressReporter {
  const bars = new MultiBar(
    {
      stream: out as NodeJS.WritableStream,
      format:
        " {subject} |{bar}| {value}/{total} trials | {rate}/s | ETA {eta_formatted} | errors {errors} | in flight ≤{concurrency} | {tokens} tokens | {cost} USD",
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_grey,
  );
  const bySubject = new Map<
    string,
    { bar: SingleBar; done: number; errors: number; started: number }
  >();
  return {
    trialDone(result, { total, costUsd, tokens, concurrency }) {
      let entry = bySubject.get(result.subject);
      if (!entry) {
        entry = {
          bar: bars.create(total, 0, { subject: result.subject }),
          done: 0,
          errors: 0,
          started: Date.now(),
        };
        bySubject.set(result.subject, entry);
      }
      if (result.status === "error") entry.errors += 1;
      entry.done += 1;
      const value = entry.done;
      const seconds = (Date.now() - entry.started) / 1000;
      entry.bar.update(value, {
        concurrency: concurrency || "–",
        tokens,
        errors: entry.errors,
        cost: costUsd.toFixed(4),
        rate: seconds > 0 ? (value / seconds).toFixed(1) : "–",
      });
    },
    note(message) {
      if (bySubject.size === 0) out.write(`${message}\n`);
      else {
        // Logged above the bars and drawn now: a stop may follow before the next redraw.
        bars.log(`${message}\n`);
        bars.update();
      }
    },
    stop: () => bars.stop(),
  };
}

function plainLines(out: Writable, intervalMs = 2000): ProgressReporter {
  const tally: Tally = { done: 0, errors: 0, total: 0 };
  const started = Date.now();
  let lastPrinted = 0;
  return {
    trialDone(result, { done, total, costUsd, tokens, concurrency }) {
      Object.assign(tally, {
        done,
        total,
        errors: tally.errors + (result.status === "error" ? 1 : 0),
      });
      const now = Date.now();
      if (done < total && now - lastPrinted < intervalMs) return;
      lastPrinted = now;
      const seconds = (now - started) / 1000;
      const rate = seconds > 0 ? done / seconds : 0;
      const eta = rate > 0 ? `${Math.ceil((total - done) / rate)} s` : "–";
      const inFlight = concurrency ? `, in flight ≤${concurrency}` : "";
      out.write(
        `progress ${done}/${total} trials, ${tally.errors} errors, ${rate.toFixed(1)} trials/s, ETA ${eta}${inFlight}, ${tokens} tokens, $${costUsd.toFixed(4)}\n`,
      );
    },
    note: noteOnStderr,
    stop() {},
  };
}

/** One JSON object per line, for scripts: `{"event":"trial-done",…}`. */
function jsonEvents(out: Writable): ProgressReporter {
  let errors = 0;
  return {
    trialDone(result, { done, total, costUsd, tokens, concurrency }) {
      if (result.status === "error") errors += 1;
      const event = {
        event: "trial-done",
        trial_id: result.trialId,
        subject: result.subject,
        status: result.status,
        done,
        total,
        errors,
        tokens,
        concurrency,
        cost_usd: costUsd,
      };
      out.write(`${JSON.stringify(event)}\n`);
    },
    note: noteOnStderr,
    stop() {},
  };
}
