import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { LanguageModel } from "../spec/language-model.ts";
import type { LoadedExperiment } from "../spec/load-experiment.ts";
import type { TrialIdentity, TrialResult } from "../spec/trial-record.ts";
import { type RunCommandLine, type RunMetadata, RunStore } from "../store/run-store.ts";
import { STORE_SCHEMA_VERSION } from "../store/schema.ts";
import { CostMeter } from "./cost-meter.ts";
import type { Participants } from "./create-participants.ts";
import { expandTrials } from "./expand-trials.ts";
import { candorVersion, gitRevision } from "./provenance.ts";
import { runTrial } from "./run-trial.ts";

export interface RunOptions {
  runsDir: string;
  /** Trials in flight at once. */
  concurrency?: number;
  onTrialDone?: (result: TrialResult, progress: RunProgress) => void;
  /** Stop taking new trials once this much has been spent (in-flight trials finish). */
  maxCostUsd?: number;
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
  costUsd: number;
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
  /** Why the run stopped before every trial was done (Ctrl-C, the cost limit). */
  stoppedBecause?: string;
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
    ...(stoppedBecause ? { stoppedBecause } : {}),
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
  const meter = new CostMeter(participants.prices, participants.pressurer?.spec);
  let next = 0;
  let done = 0;
  let stoppedBecause: string | undefined;
  const stopReason = () => {
    if (options.signal?.aborted) return "interrupted";
    if (options.maxCostUsd !== undefined && meter.totalUsd >= options.maxCostUsd) {
      return `the cost limit of $${options.maxCostUsd} was reached ($${meter.totalUsd.toFixed(4)} spent)`;
    }
    return undefined;
  };
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
        // The trial stays pending; a resume after the cause is fixed runs it.
        stoppedBecause ??= error instanceof Error ? error.message : String(error);
        return;
      }
      try {
        store.saveTrial(result);
      } catch (error) {
        // A full disk or a lost mount: this trial stays pending; a resume runs it again.
        const reason = error instanceof Error ? error.message : String(error);
        stoppedBecause ??= `writing to the run directory ${store.directory} failed (${reason})`;
        return;
      }
      meter.add(result);
      // Offline subjects never wait on I/O; yielding lets timers (progress) and signals (Ctrl-C) run.
      await yieldToEventLoop();
      done += 1;
      options.onTrialDone?.(result, {
        done,
        total: trials.length,
        costUsd: meter.totalUsd,
        tokens: meter.tokens,
        concurrency: participants.concurrency(),
      });
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 16, trials.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return stoppedBecause ? { stoppedBecause } : {};
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
