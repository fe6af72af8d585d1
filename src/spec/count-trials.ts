import type { ExperimentSpec } from "./experiment.ts";
import { InputError, type InputLocation } from "./input-error.ts";
import type { ScenarioSpec } from "./scenario.ts";

/**
 * The most trials one run may plan. A run holds its whole plan in memory and writes a row per
 * trial; a million trials is already far more than any study's power calculation asks for (and,
 * against a paid model, a bill in the thousands), while ten times that would take gigabytes
 * before the first call. A bigger study is several runs.
 */
export const MAX_TRIALS = 1_000_000;

/** Combinations of the chosen levels, counted without building them. */
export function combinationCount(
  scenario: ScenarioSpec,
  chosenLevels: Readonly<Record<string, readonly string[]>> = {},
): number {
  return Object.entries(scenario.factors).reduce(
    (product, [factor, definition]) =>
      product * (chosenLevels[factor] ?? Object.keys(definition.levels)).length,
    1,
  );
}

interface CountableExperiment {
  spec: Pick<ExperimentSpec, "subjects" | "arms" | "samples">;
  scenarios: ReadonlyArray<{
    loaded: { spec: ScenarioSpec };
    levels: Readonly<Record<string, readonly string[]>>;
  }>;
}

/** Design cells (scenario × combination of levels) summed over the scenarios. */
export function cellCount(experiment: CountableExperiment): number {
  return experiment.scenarios.reduce(
    (sum, scenario) => sum + combinationCount(scenario.loaded.spec, scenario.levels),
    0,
  );
}

/** subjects × cells × arms × samples, computed without expanding the plan. */
export function trialCount(experiment: CountableExperiment): number {
  const { spec } = experiment;
  return spec.subjects.length * cellCount(experiment) * spec.arms.length * spec.samples;
}

/** Refuses a run bigger than MAX_TRIALS before anything is expanded. */
export function checkTrialCount(experiment: CountableExperiment, location: InputLocation): void {
  const trials = trialCount(experiment);
  if (trials <= MAX_TRIALS) return;
  const { spec } = experiment;
  throw new InputError(
    `${trials} trials (${spec.subjects.length} subject(s) × ${cellCount(experiment)} cell(s) × ${spec.arms.length} arm(s) × ${spec.samples} samples); one run may plan at most ${MAX_TRIALS}, already more than a study needs and the most a plan can hold in memory: lower samples, or split the design into several runs`,
    location,
  );
}
