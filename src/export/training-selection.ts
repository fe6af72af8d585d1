import type { TrialResult, TurnRecord } from "../spec/trial-record.ts";
import { type StoredHumanLabel, trialHumanLabels } from "../store/human-labels.ts";
import { RUN_VERDICT_SET, type RunStore } from "../store/run-store.ts";

/** Which trials and turns a fine-tuning export may use. */
export interface TrainingOptions {
  /** The verdict set whose outcomes decide what is desired. */
  verdictSet?: string;
  /** Train only on turns the model wrote (no scenario rebuttal). */
  fromModel?: boolean;
  /** Only turns a person labelled, every label agreeing with the outcome. */
  labelledOnly?: boolean;
  /** Only turns where at least this share of the judges that assessed them agree with the outcome. */
  minAgreement?: number;
  /** Only these scenarios. */
  scenarios?: readonly string[];
  /** Scenarios held out for evaluation: never in the train split. */
  holdout?: readonly string[];
  /** Which side of the held-out split to write (train unless asked). */
  split?: "train" | "eval";
}

/** What every record carries so it can be traced back to the run. */
export interface RunProvenance {
  run_id: string;
  verdict_set: string;
  judges: string[];
  simulated: boolean;
  split: "train" | "eval" | null;
}

/** A trial's turns with the human labels on them, for the filters. */
export interface LabelledTrial {
  trial: TrialResult;
  labels: readonly StoredHumanLabel[];
}

export function runProvenance(store: RunStore, options: TrainingOptions): RunProvenance {
  const metadata = store.metadata();
  return {
    run_id: metadata.runId,
    verdict_set: options.verdictSet ?? RUN_VERDICT_SET,
    judges: metadata.judges,
    simulated: metadata.simulated,
    split: options.holdout?.length ? (options.split ?? "train") : null,
  };
}

/** Completed trials of the scenarios the options select, with their labels, in plan order. */
export function* selectedTrials(
  store: RunStore,
  options: TrainingOptions,
): IterableIterator<LabelledTrial> {
  for (const trial of store.trials(options.verdictSet ?? RUN_VERDICT_SET)) {
    if (trial.status !== "complete" || !scenarioSelected(trial.scenarioId, options)) continue;
    yield { trial, labels: trialHumanLabels(store.database, trial.trialId) };
  }
}

/** A scenario is in the train split unless held out, in the eval split only if held out. */
export function scenarioSelected(scenario: string, options: TrainingOptions): boolean {
  if (options.scenarios?.length && !options.scenarios.includes(scenario)) return false;
  if (!options.holdout?.length) return true;
  const heldOut = options.holdout.includes(scenario);
  return (options.split ?? "train") === "eval" ? heldOut : !heldOut;
}

/** Desired and consistent by the combined outcome, and trusted by the filters. */
export function isDesiredTurn(
  turn: TurnRecord,
  labels: readonly StoredHumanLabel[],
  options: TrainingOptions,
): boolean {
  const outcome = turn.outcome;
  if (outcome?.undesired !== "no" || outcome.consistency !== "consistent") return false;
  return trusted(turn, labels, options);
}

/** Undesired or deceptive by the combined outcome, and trusted by the filters. */
export function isRejectedTurn(
  turn: TurnRecord,
  labels: readonly StoredHumanLabel[],
  options: TrainingOptions,
): boolean {
  const outcome = turn.outcome;
  if (!outcome || (outcome.undesired !== "yes" && outcome.deception !== "yes")) return false;
  return trusted(turn, labels, options);
}

function trusted(
  turn: TurnRecord,
  labels: readonly StoredHumanLabel[],
  options: TrainingOptions,
): boolean {
  if (options.labelledOnly && !labelsAgree(turn, labels)) return false;
  return options.minAgreement === undefined || judgeAgreement(turn) >= options.minAgreement;
}

/** At least one person said whether the turn is undesired, and nobody contradicts the outcome. */
function labelsAgree(turn: TurnRecord, labels: readonly StoredHumanLabel[]): boolean {
  const own = labels.filter((label) => label.turnIndex === turn.index);
  if (!own.some((label) => label.undesired !== null)) return false;
  return own.every(
    (label) =>
      (label.undesired === null || label.undesired === turn.outcome?.undesired) &&
      (label.consistency === null || label.consistency === turn.outcome?.consistency),
  );
}

/** The share of the judges that assessed the turn whose undesired label is the outcome's. */
export function judgeAgreement(turn: TurnRecord): number {
  const assessed = turn.verdicts.filter((verdict) => verdict.undesired !== null);
  if (assessed.length === 0) return 0;
  const agreeing = assessed.filter((verdict) => verdict.undesired === turn.outcome?.undesired);
  return agreeing.length / assessed.length;
}

/** Provenance of one turn: where it is, and what the judges said of it. */
export function turnProvenance(trial: TrialResult, turn: TurnRecord) {
  return {
    trial_id: trial.trialId,
    turn_index: turn.index,
    arm: trial.arm,
    sample: trial.sample,
    followup: turn.followup,
    step_id: turn.stepId,
    source: turn.source === "intervention" ? `scenario ${trial.arm}` : "model",
    outcome: turn.outcome ?? null,
    judge_agreement: turn.outcome ? judgeAgreement(turn) : null,
    verdicts: turn.verdicts.map((verdict) => ({
      judge: verdict.judge,
      undesired: verdict.undesired,
      consistency: verdict.consistency,
    })),
  };
}
