import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { createJudge } from "../judges/create-judge.ts";
import type { Judge } from "../judges/judge.ts";
import { createLanguageModel } from "../providers/create-language-model.ts";
import type { LanguageModel } from "../spec/language-model.ts";
import type { LoadedExperiment } from "../spec/load-experiment.ts";
import type { TrialIdentity, TrialResult } from "../spec/trial-record.ts";
import { type RunMetadata, RunStore } from "../store/run-store.ts";
import { STORE_SCHEMA_VERSION } from "../store/schema.ts";
import { expandTrials } from "./expand-trials.ts";
import { candorVersion, gitRevision } from "./provenance.ts";
import { runTrial } from "./run-trial.ts";

export interface RunOptions {
  runsDir: string;
  /** Trials in flight at once. */
  concurrency?: number;
  onTrialDone?: (result: TrialResult, done: number, total: number) => void;
}

export interface RunSummary {
  runId: string;
  directory: string;
  counts: Record<"pending" | "complete" | "error", number>;
  simulated: boolean;
}

/** Models and judges for an experiment; made before anything is written, so bad specs write nothing. */
export interface Participants {
  subjects: Map<string, LanguageModel>;
  judges: Judge[];
}

/** The command-line option that replaced a list, so errors name it instead of the file. */
export interface ParticipantOverrides {
  subjects?: string;
  judges?: string;
}

export function createParticipants(
  experiment: LoadedExperiment,
  overridden: ParticipantOverrides = {},
): Participants {
  const where = (list: "subjects" | "judges", index: number) => {
    const option = overridden[list];
    return option ? { field: option } : { file: experiment.file, field: `${list}[${index}]` };
  };
  const subjects = new Map(
    experiment.spec.subjects.map(
      (spec, index) => [spec, createLanguageModel(spec, where("subjects", index))] as const,
    ),
  );
  const judges = experiment.spec.judges.map((spec, index) =>
    createJudge(spec, where("judges", index)),
  );
  return { subjects, judges };
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
    runMetadata(runId, experiment, simulated),
    experiment.scenarios.map((s) => s.loaded),
  );
  try {
    store.planTrials(plans);
    await executeTrials(store, store.unfinishedTrials(), experiment, participants, options);
    return { runId, directory, counts: store.statusCounts(), simulated };
  } finally {
    store.close();
  }
}

/** Runs the given trials, writing each as it finishes; what is written is never redone. */
export async function executeTrials(
  store: RunStore,
  trials: readonly TrialIdentity[],
  experiment: LoadedExperiment,
  participants: Participants,
  options: RunOptions,
): Promise<void> {
  const scenarios = new Map(
    experiment.scenarios.map((scenario) => [scenario.loaded.spec.id, scenario]),
  );
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < trials.length) {
      const plan = trials[next++] as TrialIdentity;
      const result = await runTrial(plan, {
        scenario: scenarios.get(plan.scenarioId) as NonNullable<ReturnType<typeof scenarios.get>>,
        subject: participants.subjects.get(plan.subject) as LanguageModel,
        judges: participants.judges,
        settings: experiment.spec,
      });
      store.saveTrial(result);
      options.onTrialDone?.(result, ++done, trials.length);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 8, trials.length));
  await Promise.all(Array.from({ length: workers }, worker));
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
    simulated,
    schemaVersion: STORE_SCHEMA_VERSION,
  };
}

/** Sortable by time, readable, and unique without coordination. */
function newRunId(experimentId: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${stamp}-${experimentId}-${randomBytes(2).toString("hex")}`;
}
