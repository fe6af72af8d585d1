import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { TRIALS_IN_FLIGHT } from "../providers/model-environment.ts";
import { BudgetExceededError, type SpendBudget } from "../providers/spend-budget.ts";
import type { LanguageModel } from "../spec/language-model.ts";
import type { LoadedExperiment } from "../spec/load-experiment.ts";
import type { TrialIdentity, TrialResult } from "../spec/trial-record.ts";
import { type RunStop, type RunStopKind, recordRunStop } from "../store/run-stop.ts";
import { type RunCommandLine, type RunMetadata, RunStore } from "../store/run-store.ts";
import { STORE_SCHEMA_VERSION } from "../store/schema.ts";
import type { Participants } from "./create-participants.ts";
import { type ErrorThreshold, errorThresholdPassed } from "./error-threshold.ts";
import { expandTrials } from "./expand-trials.ts";
import { startProgressSnapshots } from "./progress-snapshots.ts";
import { candorVersion, gitRevision } from "./provenance.ts";
import { runTrial } from "./run-trial.ts";
import { TrialWriteBehind } from "./trial-write-behind.ts";

export interface RunOptions {
  runsDir: string;
  /** Trials in flight at once. */
  concurrency?: number;
  onTrialDone?: (result: TrialResult, progress: RunProgress) => void;
  /**
   * A hard cap on what this session spends: no model call starts that could pass it, and the run
   * stops at the first call refused (its trial stays pending).
   */
  maxCostUsd?: number;
  /** `--fail-on-error`: no new trials once errored trials pass this; trials in flight finish. */
  failOnError?: ErrorThreshold;
  /** Aborted on Ctrl-C: no new trials start; those in flight finish and are written. */
  signal?: AbortSignal;
  /** Told the run directory as soon as it exists (for a resume hint if the process must stop). */
  onRunDirectory?: (directory: string) => void;
  /** Stored with a new run, so `candor resume` reaches the same servers. */
  commandLine?: RunCommandLine;
}

/** Where a run stands after a trial, for progress displays. */
export interface RunProgress {
  done: number;
  total: number;
  /** Dollars spent so far over the models with a known price (see unpricedModels). */
  costUsd: number;
  /** Models that made billed calls without a known price: costUsd undercounts them. */
  unpricedModels?: readonly string[];
  /** Tokens paid for so far (cache hits excluded). */
  tokens: number;
  /** Model calls allowed in flight right now, summed over the endpoints in use. */
  concurrency: number;
}

export interface RunSummary {
  runId: string;
  directory: string;
  counts: Record<"pending" | "complete" | "error", number>;
  simulated: boolean;
  /** Why the run stopped before every trial was done (Ctrl-C, the cost limit, a fatal error). */
  stoppedBecause?: string;
  /** Dollars this session's calls cost, over the models with a known price. */
  costUsd?: number;
  /** Models that made billed calls without a known price: costUsd undercounts them. */
  unpricedModels?: string[];
}

/** Plans the experiment into a new run directory and runs every trial. */
export async function runExperiment(
  experiment: LoadedExperiment,
  participants: Participants,
  options: RunOptions,
): Promise<RunSummary> {
  const plans = expandTrials(experiment);
  const runId = newRunId(experiment.spec.id);
  const directory = resolve(join(options.runsDir, runId));
  const simulated = [...participants.subjects.values()].some((subject) => subject.simulated);
  const store = RunStore.create(
    directory,
    { ...runMetadata(runId, experiment, simulated), commandLine: options.commandLine ?? {} },
    experiment.scenarios.map((s) => s.loaded),
    plans,
  );
  try {
    store.lockForWriting();
    options.onRunDirectory?.(directory);
    const { stoppedBecause } = await executeTrials(
      store,
      store.unfinishedTrials(),
      experiment,
      participants,
      options,
    );
    return {
      runId,
      directory,
      counts: store.statusCounts(),
      simulated,
      ...spendOf(participants),
      ...(stoppedBecause ? { stoppedBecause } : {}),
    };
  } finally {
    store.close();
  }
}

/** Runs what an interrupted run has left: pending trials, and errored ones when asked. */
export async function resumeRun(
  store: RunStore,
  experiment: LoadedExperiment,
  participants: Participants,
  options: RunOptions & { retryErrors?: boolean },
): Promise<RunSummary> {
  const metadata = store.metadata();
  store.lockForWriting();
  options.onRunDirectory?.(store.directory);
  const trials = store.unfinishedTrials({ includeErrors: options.retryErrors === true });
  const { stoppedBecause } = await executeTrials(store, trials, experiment, participants, options);
  return {
    runId: metadata.runId,
    directory: store.directory,
    counts: store.statusCounts(),
    simulated: metadata.simulated,
    ...spendOf(participants),
    ...(stoppedBecause ? { stoppedBecause } : {}),
  };
}

function spendOf(participants: Participants): Pick<RunSummary, "costUsd" | "unpricedModels"> {
  return {
    costUsd: participants.budget.spentUsd,
    unpricedModels: participants.budget.unpricedModels,
  };
}

/** Runs the given trials, writing each as it finishes; what is written is never redone. */
export async function executeTrials(
  store: RunStore,
  trials: readonly TrialIdentity[],
  experiment: LoadedExperiment,
  participants: Participants,
  options: RunOptions,
): Promise<{ stoppedBecause?: string }> {
  const scenarios = new Map(
    experiment.scenarios.map((scenario) => [scenario.loaded.spec.id, scenario]),
  );
  const { budget } = participants;
  budget.setLimit(options.maxCostUsd);
  let next = 0;
  // Written trials, for progress; ended ones (written or waiting for their batch), for the stop rule.
  let done = 0;
  let errored = 0;
  let ended = 0;
  let endedInError = 0;
  let stoppedBecause: string | undefined;
  let stopKind: RunStopKind = "fatal-error";
  const stopReason = () => {
    if (options.signal?.aborted) return stopWith("user", "interrupted");
    if (budget.refusal) return stopWith("budget", BUDGET_STOP);
    if (options.failOnError)
      return stopWith(
        "error-threshold",
        errorThresholdPassed(options.failOnError, endedInError, ended),
      );
    return undefined;
  };
  const stopWith = (kind: RunStopKind, reason: string | undefined) => {
    if (reason && !stoppedBecause) stopKind = kind;
    return reason;
  };
  // An earlier session's stop no longer says why the run is where it is once this one starts: if
  // this one is killed, the run reads as unfinished with no stop recorded, which is what happened.
  keepStop(store, null);
  const snapshots = startProgressSnapshots(store.directory, () => ({
    session: { total: trials.length, done, errors: errored },
    costUsd: budget.spentUsd,
    unpricedModels: [...budget.unpricedModels],
    endpoints: participants.calls(),
  }));
  const writer = new TrialWriteBehind((results) => store.saveTrials(results));
  const worker = async () => {
    while (next < trials.length) {
      stoppedBecause ??= stopReason();
      if (stoppedBecause) return;
      const plan = trials[next++] as TrialIdentity;
      let result: TrialResult;
      try {
        result = await runTrial(plan, {
          scenario: scenarios.get(plan.scenarioId) as NonNullable<ReturnType<typeof scenarios.get>>,
          subject: participants.subjects.get(plan.subject) as LanguageModel,
          judges: participants.judges,
          ...(participants.pressurer ? { pressurer: participants.pressurer } : {}),
          settings: experiment.spec,
          design: experiment.design,
        });
      } catch (error) {
        // The trial stays pending; a resume after the cause is fixed (or with a higher cap) runs it.
        stoppedBecause ??=
          error instanceof BudgetExceededError
            ? stopWith("budget", BUDGET_STOP)
            : stopWith("fatal-error", error instanceof Error ? error.message : String(error));
        return;
      }
      ended += 1;
      if (result.status === "error") endedInError += 1;
      // Judged as each trial ends, so a stop says the count that crossed the threshold even when
      // many trials in flight end in the same turn of the event loop.
      stoppedBecause ??= stopReason();
      // Written behind: the worker starts its next trial while this one waits for its batch.
      writer.write(result).then(
        () => trialWritten(result),
        (error: unknown) => {
          // A full disk or a lost mount: the batch's trials stay pending; a resume runs them again.
          const reason = error instanceof Error ? error.message : String(error);
          stoppedBecause ??= stopWith(
            "write-failure",
            `writing to the run directory ${store.directory} failed (${reason})`,
          );
        },
      );
      // Offline subjects never wait on I/O; yielding lets timers (progress), signals (Ctrl-C) and
      // the write behind run.
      await yieldToEventLoop();
    }
  };
  const trialWritten = (result: TrialResult) => {
    done += 1;
    if (result.status === "error") errored += 1;
    options.onTrialDone?.(result, {
      done,
      total: trials.length,
      costUsd: budget.spentUsd,
      tokens: budget.tokens,
      unpricedModels: budget.unpricedModels,
      concurrency: participants.concurrency(),
    });
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? TRIALS_IN_FLIGHT, trials.length));
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    await writer.settled();
    snapshots.stop();
  }
  // Said once every call has settled, so the figure is the run's final spend.
  if (stoppedBecause === BUDGET_STOP) stoppedBecause = budgetStopReason(budget);
  const stop = stoppedBecause
    ? { kind: stopKind, reason: stoppedBecause, at: new Date().toISOString() }
    : null;
  keepStop(store, stop);
  return stoppedBecause ? { stoppedBecause } : {};
}

/**
 * Records why the session stopped, for the viewer's and the report's banner; a session that ran
 * all it was given clears an earlier stop. A store that cannot be written (the reason the run
 * stopped, perhaps) keeps what it had: the banner then says the stop was not recorded.
 */
function keepStop(store: RunStore, stop: RunStop | null): void {
  try {
    recordRunStop(store.database, stop);
  } catch {
    // The summary printed on the terminal still says why.
  }
}

/** A marker until the final figure is known. */
const BUDGET_STOP = "the cost limit was reached";

function budgetStopReason(budget: SpendBudget): string {
  const refusal = budget.refusal;
  const unpriced = budget.unpricedModels;
  const unknown = unpriced.length ? `, plus unknown amounts for ${unpriced.join(", ")}` : "";
  const next = refusal
    ? `; the next call, to ${refusal.spec}, could have cost up to $${refusal.refusedUsd.toFixed(4)}`
    : "";
  return `the cost limit of $${budget.limitUsd} was reached ($${budget.spentUsd.toFixed(4)} spent${unknown}${next})`;
}

function runMetadata(runId: string, experiment: LoadedExperiment, simulated: boolean): RunMetadata {
  return {
    runId,
    experimentId: experiment.spec.id,
    title: experiment.spec.title,
    createdAt: new Date().toISOString(),
    candorVersion: candorVersion(),
    gitRevision: gitRevision(),
    experimentFile: experiment.file,
    experimentHash: experiment.contentHash,
    experiment: experiment.spec,
    subjects: experiment.spec.subjects,
    judges: ["checks", ...experiment.spec.judges],
    design: experiment.design,
    simulated,
    schemaVersion: STORE_SCHEMA_VERSION,
  };
}

/** Sortable by time, readable, and unique without coordination. */
function newRunId(experimentId: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${stamp}-${experimentId}-${randomBytes(2).toString("hex")}`;
}
