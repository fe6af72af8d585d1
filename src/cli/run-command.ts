import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { writeReport } from "../report/write-report.ts";
import type { Participants } from "../runner/create-participants.ts";
import { estimateCost } from "../runner/estimate-cost.ts";
import { estimateUsage } from "../runner/estimate-usage.ts";
import { type RunOptions, type RunSummary, runExperiment } from "../runner/run-experiment.ts";
import { InputError } from "../spec/input-error.ts";
import type { LoadedExperiment } from "../spec/load-experiment.ts";
import { RunStore } from "../store/run-store.ts";
import {
  addExperimentOptions,
  type ExperimentOptions,
  prepareExperiment,
} from "./load-experiment-for-command.ts";
import type { ExitCodeHolder } from "./main.ts";
import { DEFAULT_RUNS_DIR } from "./options.ts";
import {
  createProgressReporter,
  type ProgressMode,
  type ProgressReporter,
} from "./progress-printer.ts";

/** Above this estimated ceiling (or with an unknown price), a run asks first unless --yes. */
const CONFIRM_ABOVE_USD = Number(process.env.CANDOR_CONFIRM_ABOVE_USD ?? 5);

export interface RunCommandOptions extends ExperimentOptions, ProgressOptions {
  runsDir: string;
  yes?: boolean;
  maxCost?: number;
}

export function registerRunCommand(program: Command, exitCode: ExitCodeHolder): void {
  const command = program
    .command("run")
    .description("Run an experiment into a new run directory and write its report.")
    .argument("<experiment>", "experiment YAML file");
  addExperimentOptions(command)
    .option("--runs-dir <dir>", "where run directories go", DEFAULT_RUNS_DIR)
    .option("--max-cost <usd>", "stop starting trials once this many dollars are spent", dollars)
    .option("--yes", "do not ask for confirmation when the estimated cost is high or unknown")
    .option("--quiet", "no progress display")
    .option("--json", "newline-delimited JSON progress events on stdout, then a run-end event")
    .action(async (file: string, options: RunCommandOptions) => {
      const { experiment, participants } = prepareExperiment(file, options);
      await confirmCost(experiment, participants, options.yes === true);
      const summary = await withProgress(options, (reporter) =>
        withInterruptHandling((signal) =>
          runExperiment(experiment, participants, runOptions(options, signal, reporter)),
        ),
      );
      exitCode.value = await finishRun(summary, progressMode(options));
    });
}

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
    onTrialDone: (result, done, total, cost) => reporter.trialDone(result, done, total, cost),
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

async function confirmCost(
  experiment: LoadedExperiment,
  participants: Participants,
  yes: boolean,
): Promise<void> {
  if (yes) return;
  const cost = estimateCost(
    await estimateUsage(experiment),
    experiment.spec.subjects,
    participants,
  );
  if (cost.maxUsd <= CONFIRM_ABOVE_USD && cost.unpriced.length === 0) return;
  const unknown = cost.unpriced.length
    ? ` plus an unknown amount for ${cost.unpriced.join(", ")}`
    : "";
  const question = `This run may cost up to $${cost.maxUsd.toFixed(2)}${unknown}.`;
  if (!process.stdin.isTTY) {
    throw new InputError(
      `${question} Pass --yes to run it, --max-cost to cap it, or set models.SPEC.price (0 for a local server).`,
      { field: "--yes" },
    );
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await prompt.question(`${question} Continue? [y/N] `);
  prompt.close();
  if (!/^y(es)?$/i.test(answer.trim()))
    throw new InputError("not confirmed; nothing was run", { field: "--yes" });
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
