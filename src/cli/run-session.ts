/** What `run` and `resume` share: progress display, Ctrl-C handling and the closing summary. */
import { InvalidArgumentError } from "commander";
import { writeReport } from "../report/write-report.ts";
import type { RunOptions, RunSummary } from "../runner/run-experiment.ts";
import { RunStore } from "../store/run-store.ts";
import {
  createProgressReporter,
  type ProgressMode,
  type ProgressReporter,
} from "./progress-printer.ts";

export interface ProgressOptions {
  quiet?: boolean;
  json?: boolean;
}

export function progressMode(options: ProgressOptions): ProgressMode {
  if (options.json) return "json";
  if (options.quiet) return "quiet";
  return "bars";
}

/** Runs `work` with progress shown as asked; bars and lines go to stderr, JSON events to stdout. */
export async function withProgress<Result>(
  options: ProgressOptions,
  work: (reporter: ProgressReporter) => Promise<Result>,
): Promise<Result> {
  const mode = progressMode(options);
  const reporter = createProgressReporter(mode, mode === "json" ? process.stdout : process.stderr);
  try {
    return await work(reporter);
  } finally {
    reporter.stop();
  }
}

export function runOptions(
  options: { runsDir: string; maxCost?: number },
  signal: AbortSignal,
  reporter: ProgressReporter,
): RunOptions {
  return {
    runsDir: options.runsDir,
    signal,
    ...(options.maxCost !== undefined ? { maxCostUsd: options.maxCost } : {}),
    onTrialDone: (result, progress) => reporter.trialDone(result, progress),
  };
}

/** Ctrl-C stops new trials; in-flight ones finish and are written. A second Ctrl-C exits at once. */
export async function withInterruptHandling<Result>(
  work: (signal: AbortSignal) => Promise<Result>,
): Promise<Result> {
  const controller = new AbortController();
  const onInterrupt = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(
      "candor: stopping after the trials in flight (Ctrl-C again to quit now)\n",
    );
    controller.abort();
  };
  process.on("SIGINT", onInterrupt);
  try {
    return await work(controller.signal);
  } finally {
    process.off("SIGINT", onInterrupt);
  }
}

/** Writes the report and prints where everything is; a run with errored trials exits 1. */
export async function finishRun(summary: RunSummary, mode: ProgressMode): Promise<number> {
  const store = RunStore.open(summary.directory);
  try {
    const { markdownPath, htmlPath } = await writeReport(store);
    const { complete, error, pending } = summary.counts;
    const lines = [
      `run ${summary.runId}${summary.simulated ? " (SIMULATED SUBJECT)" : ""}`,
      `directory ${summary.directory}`,
      `trials ${complete} complete, ${error} error, ${pending} pending`,
      `report ${htmlPath}`,
      `report ${markdownPath}`,
    ];
    if (mode === "json")
      process.stdout.write(`${JSON.stringify(runEndEvent(summary, htmlPath, markdownPath))}\n`);
    else process.stdout.write(`${lines.join("\n")}\n`);
    if (summary.stoppedBecause) {
      process.stderr.write(
        `candor: stopped: ${summary.stoppedBecause}; finish with: candor resume ${summary.directory}\n`,
      );
    }
    if (error > 0) {
      process.stderr.write(
        `candor: ${error} trials ended in error; they are left out of every rate (retry them with: candor resume ${summary.directory} --retry-errors)\n`,
      );
    }
    return error > 0 || summary.stoppedBecause ? 1 : 0;
  } finally {
    store.close();
  }
}

function runEndEvent(summary: RunSummary, htmlPath: string, markdownPath: string) {
  return {
    event: "run-end",
    run_id: summary.runId,
    directory: summary.directory,
    simulated: summary.simulated,
    ...summary.counts,
    report_html: htmlPath,
    report_md: markdownPath,
    stopped_because: summary.stoppedBecause ?? null,
  };
}

export function dollars(value: string): number {
  const amount = Number(value);
  if (!Number.isFinite(amount) || amount <= 0)
    throw new InvalidArgumentError("expected an amount in US dollars above 0");
  return amount;
}
