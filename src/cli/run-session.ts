/** What `run` and `resume` share: progress display, Ctrl-C handling and the closing summary. */
import { InvalidArgumentError } from "commander";
import { writeReport } from "../report/write-report.ts";
import type { Participants } from "../runner/create-participants.ts";
import { type ErrorThreshold, parseErrorThreshold } from "../runner/error-threshold.ts";
import type { RunOptions, RunSummary } from "../runner/run-experiment.ts";
import { InputError } from "../spec/input-error.ts";
import { describeErrorGroups, type ErrorGroup, errorGroups } from "../store/error-groups.ts";
import { RunStore } from "../store/run-store.ts";
import { describeSpend } from "./describe-spend.ts";
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

/** The progress display in use, so notes (Ctrl-C) are printed above it, not over it. */
let activeReporter: ProgressReporter | undefined;
/** How to finish the work under way, once known: what a hard stop prints. */
let activeResumeCommand: string | undefined;

/** Prints a note on stderr, above the progress bars when they are shown. */
export function note(message: string): void {
  if (activeReporter) activeReporter.note(message);
  else process.stderr.write(`${message}\n`);
}

/** Runs `work` with progress shown as asked; bars and lines go to stderr, JSON events to stdout. */
export async function withProgress<Result>(
  options: ProgressOptions,
  work: (reporter: ProgressReporter) => Promise<Result>,
): Promise<Result> {
  const mode = progressMode(options);
  const reporter = createProgressReporter(mode, mode === "json" ? process.stdout : process.stderr);
  activeReporter = reporter;
  try {
    return await work(reporter);
  } finally {
    activeReporter = undefined;
    reporter.stop();
  }
}

export function runOptions(
  options: { runsDir: string; maxCost?: number; failOnError?: ErrorThreshold },
  signal: AbortSignal,
  reporter: ProgressReporter,
): RunOptions {
  return {
    runsDir: options.runsDir,
    signal,
    ...(options.maxCost !== undefined ? { maxCostUsd: options.maxCost } : {}),
    ...(options.failOnError ? { failOnError: options.failOnError } : {}),
    onTrialDone: (result, progress) => reporter.trialDone(result, progress),
    onRunDirectory: (directory) => {
      activeResumeCommand = `candor resume ${directory}`;
    },
  };
}

/** The signals that stop a run: Ctrl-C, `kill` (SIGTERM) and a closed terminal (SIGHUP). */
const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
/** A second stop signal: the process exits at once. */
export const EXIT_INTERRUPTED = 130;

/**
 * Ctrl-C, SIGTERM or SIGHUP stops new trials; in-flight ones finish and are written, then the
 * caller writes the report and says how to resume. A second one exits at once (130), still saying
 * how to resume; the run lock is released on exit.
 */
export async function withInterruptHandling<Result>(
  work: (signal: AbortSignal) => Promise<Result>,
  stopping = "stopping after the trials in flight",
): Promise<Result> {
  const controller = new AbortController();
  const onInterrupt = () => {
    if (controller.signal.aborted) {
      const resume = activeResumeCommand ? `; finish with: ${activeResumeCommand}` : "";
      note(`candor: stopped at once${resume}`);
      activeReporter?.stop();
      process.exit(EXIT_INTERRUPTED);
    }
    note(`candor: ${stopping} (Ctrl-C again to quit now)`);
    controller.abort();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onInterrupt);
  try {
    return await work(controller.signal);
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onInterrupt);
    activeResumeCommand = undefined;
  }
}

/** Sets the command a hard stop (a second Ctrl-C) prints to finish the work. */
export function setResumeCommand(command: string): void {
  activeResumeCommand = command;
}

/**
 * Writes the report and prints where everything is; a run with errored trials exits 1. A report
 * that cannot be written (a full disk) is said so, and the resume hint is printed all the same.
 */
export async function finishRun(summary: RunSummary, mode: ProgressMode): Promise<number> {
  let report: { markdownPath: string; htmlPath: string } | undefined;
  let reportProblem: string | undefined;
  let reasons: ErrorGroup[] = [];
  try {
    const store = RunStore.openForReading(summary.directory);
    try {
      reasons = errorGroups(store.database);
      report = await writeReport(store);
    } finally {
      store.close();
    }
  } catch (error) {
    reportProblem = error instanceof Error ? error.message : String(error);
  }
  const { complete, error, pending } = summary.counts;
  const lines = [
    `run ${summary.runId}${summary.simulated ? " (SIMULATED SUBJECT)" : ""}`,
    `directory ${summary.directory}`,
    `trials ${complete} complete, ${error} error, ${pending} pending`,
    ...(summary.costUsd !== undefined ? [`cost ${describeSpend(summary)}`] : []),
    ...(report ? [`report ${report.htmlPath}`, `report ${report.markdownPath}`] : []),
  ];
  if (mode === "json")
    process.stdout.write(
      `${JSON.stringify(runEndEvent(summary, report?.htmlPath ?? null, report?.markdownPath ?? null))}\n`,
    );
  else process.stdout.write(`${lines.join("\n")}\n`);
  if (reportProblem) process.stderr.write(`candor: the report was not written: ${reportProblem}\n`);
  if (summary.stoppedBecause) {
    process.stderr.write(
      `candor: stopped: ${summary.stoppedBecause}; finish with: candor resume ${summary.directory}\n`,
    );
  }
  if (error > 0) {
    const why = reasons.length ? `: ${describeErrorGroups(reasons)}` : "";
    process.stderr.write(
      `candor: ${error} trials ended in error${why}; they are left out of every rate (retry them with: candor resume ${summary.directory} --retry-errors)\n`,
    );
  }
  return error > 0 || summary.stoppedBecause || reportProblem ? 1 : 0;
}

function runEndEvent(summary: RunSummary, htmlPath: string | null, markdownPath: string | null) {
  return {
    event: "run-end",
    run_id: summary.runId,
    directory: summary.directory,
    simulated: summary.simulated,
    ...summary.counts,
    report_html: htmlPath,
    report_md: markdownPath,
    stopped_because: summary.stoppedBecause ?? null,
    cost_usd: summary.costUsd ?? null,
    cost_unknown_for: summary.unpricedModels ?? [],
  };
}

/** `--fail-on-error`: a count (2), a share (0.05) or a percentage (5%) of errored trials. */
export function errorThreshold(value: string): ErrorThreshold {
  const parsed = parseErrorThreshold(value);
  if ("problem" in parsed) throw new InvalidArgumentError(parsed.problem);
  return parsed;
}

/**
 * A cap cannot bound what a model without a price costs, so `--max-cost` with one is refused
 * before anything runs (local and simulated models are free, never unknown).
 */
export function refuseUnboundedCap(participants: Participants, maxCost: number | undefined): void {
  if (maxCost === undefined) return;
  const unpriced = [...participants.prices].filter(([, price]) => !price).map(([spec]) => spec);
  const [first] = unpriced;
  if (first === undefined) return;
  throw new InputError(
    `cannot bound what ${unpriced.join(", ")} costs: its price is unknown; set models."${first}".price (input_per_million and output_per_million, in dollars) in the experiment`,
    { field: "--max-cost" },
  );
}

export function dollars(value: string): number {
  const amount = Number(value);
  if (!Number.isFinite(amount) || amount <= 0)
    throw new InvalidArgumentError("expected an amount in US dollars above 0");
  return amount;
}
