import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { batchRunOptions } from "../providers/batch/batch-run-options.ts";
import type { Participants } from "../runner/create-participants.ts";
import type { ErrorThreshold } from "../runner/error-threshold.ts";
import { estimateCost } from "../runner/estimate-cost.ts";
import { estimateUsage } from "../runner/estimate-usage.ts";
import { runExperiment } from "../runner/run-experiment.ts";
import { InputError } from "../spec/input-error.ts";
import type { LoadedExperiment } from "../spec/load-experiment.ts";
import { findUnfinishedRun } from "../store/find-runs.ts";
import type { RunCommandLine } from "../store/run-store.ts";
import {
  addExperimentOptions,
  type ExperimentOptions,
  prepareExperiment,
} from "./load-experiment-for-command.ts";
import type { ExitCodeHolder } from "./main.ts";
import { DEFAULT_RUNS_DIR } from "./options.ts";
import { newRunProgressPlan } from "./progress-plan.ts";
import { resumeDirectory } from "./resume-command.ts";
import {
  dollars,
  errorThreshold,
  finishRun,
  type ProgressOptions,
  progressMode,
  refuseUnboundedCap,
  runOptions,
  withInterruptHandling,
  withProgress,
} from "./run-session.ts";

/** Above this estimated ceiling (or with an unknown price), a run asks first unless --yes. */
const CONFIRM_ABOVE_USD = Number(process.env.CANDOR_CONFIRM_ABOVE_USD ?? 5);

export interface RunCommandOptions extends ExperimentOptions, ProgressOptions {
  runsDir: string;
  yes?: boolean;
  maxCost?: number;
  failOnError?: ErrorThreshold;
}

export function registerRunCommand(program: Command, exitCode: ExitCodeHolder): void {
  const command = program
    .command("run")
    .description("Run an experiment into a new run directory and write its report.")
    .argument("<experiment>", "experiment YAML file");
  addExperimentOptions(command)
    .option("--runs-dir <dir>", "where run directories go", DEFAULT_RUNS_DIR)
    .option(
      "--max-cost <usd>",
      "hard cap in dollars: no model call starts that could pass it; the run stops there",
      dollars,
    )
    .option(
      "--fail-on-error <limit>",
      "stop starting trials once this many trials (2) or this share of finished ones (0.05, 5%) ended in error",
      errorThreshold,
    )
    .option("--yes", "do not ask for confirmation when the estimated cost is high or unknown")
    .option("--quiet", "no progress display")
    .option("--json", "newline-delimited JSON progress events on stdout, then a run-end event")
    .action(async (file: string, options: RunCommandOptions) => {
      const { experiment, participants, environment } = prepareExperiment(file, options);
      refuseUnboundedCap(participants, options.maxCost);
      const twin = findUnfinishedRun(options.runsDir, experiment.spec);
      if (twin && (await offerResume(twin))) {
        exitCode.value = await resumeDirectory(twin.directory, options);
        return;
      }
      await confirmCost(experiment, participants, options);
      const summary = await withProgress(options, (reporter) => {
        reporter.start(newRunProgressPlan(experiment, participants));
        return withInterruptHandling((signal) =>
          runExperiment(
            experiment,
            participants,
            batchRunOptions(experiment.spec.models, environment.batchLedger, {
              ...runOptions(options, signal, reporter),
              commandLine: commandLineOf(options),
            }),
          ),
        );
      });
      exitCode.value = await finishRun(summary, progressMode(options));
    });
}

/** What a resume of this run must reuse from the command line (never a key). */
function commandLineOf(options: RunCommandOptions): RunCommandLine {
  return {
    ...(options.baseUrl ? { base_url: options.baseUrl } : {}),
    ...(options.maxConcurrency ? { max_concurrency: options.maxConcurrency } : {}),
  };
}

/** On a terminal, asks whether to finish the earlier run instead; elsewhere, says it exists. */
async function offerResume(twin: {
  directory: string;
  complete: number;
  total: number;
}): Promise<boolean> {
  const note = `an unfinished run of this same experiment exists: ${twin.directory} (${twin.complete} of ${twin.total} trials complete)`;
  if (!process.stdin.isTTY) {
    process.stderr.write(
      `candor: note: ${note}; \`candor resume ${twin.directory}\` finishes it. Starting a new run.\n`,
    );
    return false;
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await prompt.question(`${note}. Resume it instead of starting a new run? [Y/n] `);
  prompt.close();
  return !/^n(o)?$/i.test(answer.trim());
}

/**
 * Asks before a run whose ceiling is above the threshold or unknown. With --max-cost and every
 * price known, the cap is the ceiling the user chose, so nothing is asked; a cap cannot bound what
 * an unpriced model costs, so that still asks.
 */
async function confirmCost(
  experiment: LoadedExperiment,
  participants: Participants,
  options: { yes?: boolean; maxCost?: number },
): Promise<void> {
  if (options.yes) return;
  const cost = estimateCost(
    await estimateUsage(experiment),
    experiment.spec.subjects,
    participants,
  );
  if (
    cost.unpriced.length === 0 &&
    (options.maxCost !== undefined || cost.maxUsd <= CONFIRM_ABOVE_USD)
  )
    return;
  const unknown = cost.unpriced.length
    ? ` plus an unknown amount for ${cost.unpriced.join(", ")}`
    : "";
  const question = `This run may cost up to $${cost.maxUsd.toFixed(2)}${unknown}.`;
  if (!process.stdin.isTTY) {
    const advice =
      options.maxCost !== undefined
        ? "--max-cost cannot bound a model without a price: pass --yes to run it anyway, or set models.SPEC.price (0 for a local server)."
        : "Pass --yes to run it, --max-cost to cap it, or set models.SPEC.price (0 for a local server).";
    throw new InputError(`${question} ${advice}`, { field: "--yes" });
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await prompt.question(`${question} Continue? [y/N] `);
  prompt.close();
  if (!/^y(es)?$/i.test(answer.trim()))
    throw new InputError("not confirmed; nothing was run", { field: "--yes" });
}
