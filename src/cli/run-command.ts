import type { Command } from "commander";
import { writeReport } from "../report/write-report.ts";
import { type RunSummary, runExperiment } from "../runner/run-experiment.ts";
import { RunStore } from "../store/run-store.ts";
import {
  addExperimentOptions,
  type ExperimentOptions,
  prepareExperiment,
} from "./load-experiment-for-command.ts";
import type { ExitCodeHolder } from "./main.ts";
import { collect, DEFAULT_RUNS_DIR, wholeNumber } from "./options.ts";
import { progressPrinter } from "./progress-printer.ts";

interface RunCommandOptions extends ExperimentOptions {
  runsDir: string;
  yes?: boolean;
  quiet?: boolean;
}

export function registerRunCommand(program: Command, exitCode: ExitCodeHolder): void {
  const command = program
    .command("run")
    .description("Run an experiment into a new run directory and write its report.")
    .argument("<experiment>", "experiment YAML file");
  addExperimentOptions(command, collect, wholeNumber)
    .option("--runs-dir <dir>", "where run directories go", DEFAULT_RUNS_DIR)
    .option(
      "--yes",
      "do not ask for confirmation (nothing asks yet: the simulated subject costs nothing)",
    )
    .option("--quiet", "no progress lines")
    .action(async (file: string, options: RunCommandOptions) => {
      const { experiment, participants } = prepareExperiment(file, options);
      const summary = await runExperiment(experiment, participants, {
        runsDir: options.runsDir,
        ...(options.quiet ? {} : { onTrialDone: progressPrinter(process.stderr) }),
      });
      exitCode.value = await finishRun(summary);
    });
}

/** Writes the report and prints where everything is; a run with errored trials exits 1. */
export async function finishRun(summary: RunSummary): Promise<number> {
  const store = RunStore.open(summary.directory);
  try {
    const { markdownPath, htmlPath } = await writeReport(store);
    const { complete, error } = summary.counts;
    process.stdout.write(
      [
        `run ${summary.runId}${summary.simulated ? " (SIMULATED SUBJECT)" : ""}`,
        `directory ${summary.directory}`,
        `trials ${complete} complete, ${error} error`,
        `report ${htmlPath}`,
        `report ${markdownPath}`,
        "",
      ].join("\n"),
    );
    if (error > 0)
      process.stderr.write(
        `candor: ${error} trials ended in error; they are left out of every rate\n`,
      );
    return error > 0 ? 1 : 0;
  } finally {
    store.close();
  }
}
