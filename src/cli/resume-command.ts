import type { Command } from "commander";
import { batchRunOptions } from "../providers/batch/batch-run-options.ts";
import { createParticipants } from "../runner/create-participants.ts";
import type { ErrorThreshold } from "../runner/error-threshold.ts";
import { resumeRun } from "../runner/run-experiment.ts";
import { batchedModels } from "../spec/apply-overrides.ts";
import type { LoadedExperiment } from "../spec/load-experiment.ts";
import { loadRunExperiment } from "../store/load-run-experiment.ts";
import type { RunCommandLine } from "../store/run-store.ts";
import { modelEnvironment } from "./load-experiment-for-command.ts";
import type { ExitCodeHolder } from "./main.ts";
import { baseUrl, concurrencyLimit, DEFAULT_RUNS_DIR } from "./options.ts";
import { resumedProgressPlan } from "./progress-plan.ts";
import { openRun } from "./resolve-run.ts";
import {
  dollars,
  errorThreshold,
  finishRun,
  progressMode,
  refuseUnboundedCap,
  runOptions,
  withInterruptHandling,
  withProgress,
} from "./run-session.ts";

export interface ResumeOptions {
  runsDir: string;
  retryErrors?: boolean;
  quiet?: boolean;
  json?: boolean;
  maxCost?: number;
  failOnError?: ErrorThreshold;
  baseUrl?: string;
  maxConcurrency?: number;
  batch?: boolean;
  cache?: boolean;
  cacheDir?: string;
}

export function registerResumeCommand(program: Command, exitCode: ExitCodeHolder): void {
  program
    .command("resume")
    .description("Finish an interrupted run: its pending trials, exactly as it was planned.")
    .argument("<run>", "run id or run directory")
    .option("--runs-dir <dir>", "where run ids are looked up", DEFAULT_RUNS_DIR)
    .option("--retry-errors", "also run again the trials that ended in error")
    .option(
      "--base-url <url>",
      "server for openai-style models without a base_url of their own",
      baseUrl,
    )
    .option("--max-concurrency <n>", "model calls in flight at once", concurrencyLimit)
    .option(
      "--max-cost <usd>",
      "hard cap in dollars on this session: no model call starts that could pass it",
      dollars,
    )
    .option(
      "--fail-on-error <limit>",
      "stop starting trials once this many trials (2) or this share of finished ones (0.05, 5%) ended in error",
      errorThreshold,
    )
    .option(
      "--batch",
      "send the rest of the run's openai: and anthropic: calls as provider batches",
    )
    .option("--no-cache", "neither read nor write the response cache")
    .option("--cache-dir <dir>", "response cache directory")
    .option("--quiet", "no progress display")
    .option("--json", "newline-delimited JSON progress events on stdout, then a run-end event")
    .action(async (run: string, options: ResumeOptions) => {
      exitCode.value = await resumeDirectory(run, options);
    });
}

/** Resumes RUN (an id in the runs directory, or a path) and writes its report; returns the exit code. */
export async function resumeDirectory(run: string, options: ResumeOptions): Promise<number> {
  const store = openRun(run, options.runsDir);
  let summary: Awaited<ReturnType<typeof resumeRun>>;
  try {
    const experiment = withBatchFlag(loadRunExperiment(store), options.batch);
    const effective = withStoredCommandLine(options, store.metadata().commandLine);
    const environment = modelEnvironment(experiment, effective);
    const participants = createParticipants(experiment, {}, environment);
    refuseUnboundedCap(participants, options.maxCost);
    summary = await withProgress(options, (reporter) => {
      reporter.start(resumedProgressPlan(store, participants, options.retryErrors === true));
      return withInterruptHandling((signal) =>
        resumeRun(store, experiment, participants, {
          ...batchRunOptions(
            experiment.spec.models,
            environment.batchLedger,
            runOptions(options, signal, reporter),
          ),
          retryErrors: options.retryErrors === true,
        }),
      );
    });
  } finally {
    store.close();
  }
  return finishRun(summary, progressMode(options));
}

/** `--batch` on resume: the rest of the run goes through the batch APIs (a run made so keeps it). */
function withBatchFlag(experiment: LoadedExperiment, batch: boolean | undefined): LoadedExperiment {
  if (!batch) return experiment;
  return { ...experiment, spec: { ...experiment.spec, models: batchedModels(experiment.spec) } };
}

/**
 * The original run's --base-url and --max-concurrency, unless given again: a run started against a
 * server named on the command line resumes against it. Said on stderr, since keys follow it.
 */
function withStoredCommandLine(
  options: ResumeOptions,
  stored: RunCommandLine | undefined,
): ResumeOptions {
  const baseUrl = options.baseUrl ?? stored?.base_url;
  if (baseUrl && !options.baseUrl)
    process.stderr.write(`candor: resuming with --base-url ${baseUrl}, as the run was started\n`);
  const maxConcurrency = options.maxConcurrency ?? stored?.max_concurrency;
  return {
    ...options,
    ...(baseUrl ? { baseUrl } : {}),
    ...(maxConcurrency ? { maxConcurrency } : {}),
  };
}
