import type { Command } from "commander";
import { createJudge } from "../runner/create-participants.ts";
import { judgeRun } from "../runner/judge-run.ts";
import { InputError } from "../spec/input-error.ts";
import { loadRunExperiment } from "../store/load-run-experiment.ts";
import { RUN_VERDICT_SET } from "../store/run-store.ts";
import { modelEnvironment } from "./load-experiment-for-command.ts";
import { collect, DEFAULT_RUNS_DIR } from "./options.ts";
import { openRun } from "./resolve-run.ts";

interface JudgeOptions {
  judge: string[];
  set?: string;
  runsDir: string;
  baseUrl?: string;
  cache?: boolean;
  cacheDir?: string;
}

export function registerJudgeCommand(program: Command): void {
  program
    .command("judge")
    .description(
      "Judge a finished run again with other judges, as a new verdict set beside the old ones (the subject is not sampled again).",
    )
    .argument("<run>", "run id or run directory")
    .requiredOption("--judge <spec>", "judge: heuristic or a model spec (repeatable)", collect)
    .option("--set <name>", "name of the new verdict set (default: the judges' specs joined by +)")
    .option("--base-url <url>", "server for openai-style judges without a base_url of their own")
    .option("--no-cache", "neither read nor write the response cache")
    .option("--cache-dir <dir>", "response cache directory")
    .option("--runs-dir <dir>", "where run ids are looked up", DEFAULT_RUNS_DIR)
    .action(async (run: string, options: JudgeOptions) => {
      const verdictSet = options.set ?? options.judge.join("+");
      if (verdictSet === RUN_VERDICT_SET)
        throw new InputError(`"${RUN_VERDICT_SET}" is the run's own verdict set`, {
          field: "--set",
        });
      const store = openRun(run, options.runsDir);
      try {
        const experiment = loadRunExperiment(store);
        const environment = modelEnvironment(experiment, options);
        const judges = options.judge.map((spec) =>
          createJudge(spec, { field: "--judge" }, environment),
        );
        store.lockForWriting();
        const trials = await judgeRun(store, experiment, judges, verdictSet);
        process.stdout.write(
          `judged ${trials} trials into verdict set "${verdictSet}"; report it with: candor report ${store.directory} --judges ${verdictSet}\n`,
        );
      } finally {
        store.close();
      }
    });
}
