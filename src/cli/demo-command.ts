import type { Command } from "commander";
import { runExperiment } from "../runner/run-experiment.ts";
import { packageFile } from "../spec/package-files.ts";
import { prepareExperiment } from "./load-experiment-for-command.ts";
import type { ExitCodeHolder } from "./main.ts";
import { DEFAULT_RUNS_DIR } from "./options.ts";
import { finishRun } from "./run-session.ts";

export const BUNDLED_EXPERIMENT = packageFile("experiments", "paper.yaml");

export function registerDemoCommand(program: Command, exitCode: ExitCodeHolder): void {
  program
    .command("demo")
    .description(
      "Run the bundled paper experiment on the simulated subject, offline, and write its report.",
    )
    .option("--runs-dir <dir>", "where run directories go", DEFAULT_RUNS_DIR)
    .action(async (options: { runsDir: string }) => {
      const { experiment, participants } = prepareExperiment(BUNDLED_EXPERIMENT, {
        subject: ["sim:default"],
      });
      const summary = await runExperiment(experiment, participants, { runsDir: options.runsDir });
      exitCode.value = await finishRun(summary, "quiet");
    });
}
