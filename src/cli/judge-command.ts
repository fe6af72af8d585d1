import type Database from "better-sqlite3";
import type { Command } from "commander";
import { CHECKS_JUDGE } from "../judges/combine-verdicts.ts";
import { createJudge } from "../runner/create-participants.ts";
import { judgeRun } from "../runner/judge-run.ts";
import { InputError } from "../spec/input-error.ts";
import { loadRunExperiment } from "../store/load-run-experiment.ts";
import { RUN_VERDICT_SET } from "../store/run-store.ts";
import {
  removeVerdictSet,
  verdictSetCoverage,
  verdictSetJudges,
} from "../store/write-verdict-set.ts";
import { modelEnvironment } from "./load-experiment-for-command.ts";
import type { ExitCodeHolder } from "./main.ts";
import { baseUrl, collect, DEFAULT_RUNS_DIR } from "./options.ts";
import { openRun } from "./resolve-run.ts";
import { setResumeCommand, withInterruptHandling, withProgress } from "./run-session.ts";

interface JudgeOptions {
  judge: string[];
  set?: string;
  runsDir: string;
  baseUrl?: string;
  cache?: boolean;
  cacheDir?: string;
  quiet?: boolean;
  replace?: boolean;
}

export function registerJudgeCommand(program: Command, exitCode: ExitCodeHolder): void {
  program
    .command("judge")
    .description(
      "Judge a finished run again with other judges, as a new verdict set beside the old ones (the subject is not sampled again). An interrupted set is finished: only the trials it lacks are judged.",
    )
    .argument("<run>", "run id or run directory")
    .requiredOption("--judge <spec>", "judge: heuristic or a model spec (repeatable)", collect)
    .option("--set <name>", "name of the new verdict set (default: the judges' specs joined by +)")
    .option(
      "--base-url <url>",
      "server for openai-style judges without a base_url of their own",
      baseUrl,
    )
    .option("--no-cache", "neither read nor write the response cache")
    .option("--cache-dir <dir>", "response cache directory")
    .option("--runs-dir <dir>", "where run ids are looked up", DEFAULT_RUNS_DIR)
    .option("--quiet", "no progress display")
    .option("--replace", "judge an existing verdict set again from scratch, replacing it")
    .action(async (run: string, options: JudgeOptions) => {
      exitCode.value = await judgeCommand(run, options);
    });
}

async function judgeCommand(run: string, options: JudgeOptions): Promise<number> {
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
    refuseToOverwrite(store.database, verdictSet, options.replace === true);
    const earlierJudges = options.replace ? [] : verdictSetJudges(store.database, verdictSet);
    const requested = new Set([CHECKS_JUDGE, ...judges.map((judge) => judge.id)]);
    const strangers = earlierJudges.filter((judge) => !requested.has(judge));
    if (strangers.length > 0)
      throw new InputError(
        `verdict set "${verdictSet}" was judged by ${earlierJudges.join(", ")}; finish it with the same judges, or name a new set with --set`,
        { field: "--set" },
      );
    store.lockForWriting();
    if (options.replace) removeVerdictSet(store.database, verdictSet);
    const again = [
      "candor judge",
      store.directory,
      ...options.judge.map((spec) => `--judge ${spec}`),
      `--set ${verdictSet}`,
    ].join(" ");
    setResumeCommand(again);
    // Bars on a terminal; elsewhere (scripts, logs) only the closing line, as before.
    const progress = { quiet: options.quiet === true || !process.stderr.isTTY };
    const summary = await withProgress(progress, (reporter) =>
      withInterruptHandling(
        (signal) =>
          judgeRun(store, experiment, judges, verdictSet, {
            signal,
            onTrialJudged: (trial, { done, total }) =>
              reporter.trialDone(trial, { done, total, costUsd: 0, tokens: 0, concurrency: 0 }),
          }),
        "stopping after the trial being judged",
      ),
    );
    const covered = summary.alreadyJudged + summary.judged;
    const earlier = summary.alreadyJudged ? ` (${summary.alreadyJudged} judged before)` : "";
    process.stdout.write(
      `judged ${summary.judged} trials into verdict set "${verdictSet}"${earlier}; it covers ${covered} of the run's ${summary.total} complete trials; report it with: candor report ${store.directory} --judges ${verdictSet}\n`,
    );
    if (summary.stoppedBecause) {
      process.stderr.write(
        `candor: stopped: ${summary.stoppedBecause}; verdict set "${verdictSet}" is partial (${covered} of ${summary.total} trials); finish it with: ${again}\n`,
      );
      return 1;
    }
    return 0;
  } finally {
    store.close();
  }
}

/** A whole verdict set is never judged over silently: --replace says it is meant. */
function refuseToOverwrite(database: Database.Database, verdictSet: string, replace: boolean) {
  const coverage = verdictSetCoverage(database, verdictSet);
  if (replace || coverage.trials === 0 || !coverage.complete) return;
  throw new InputError(
    `verdict set "${verdictSet}" already exists and covers all ${coverage.of} judged trials; pass --replace to judge it again from scratch, or name a new set with --set`,
    { field: "--set" },
  );
}
