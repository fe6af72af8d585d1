import { createParticipants, type Participants } from "../runner/create-participants.ts";
import { applyOverrides, type ExperimentOverrides } from "../spec/apply-overrides.ts";
import { type LoadedExperiment, loadExperiment } from "../spec/load-experiment.ts";

export interface ExperimentOptions {
  subject?: string[];
  judge?: string[];
  scenario?: string[];
  samples?: number;
  seed?: number;
  maxTokens?: number;
}

/** Loads, overrides and instantiates everything an experiment needs, writing nothing. */
export function prepareExperiment(
  file: string,
  options: ExperimentOptions,
): { experiment: LoadedExperiment; participants: Participants } {
  const overrides: ExperimentOverrides = {
    ...(options.subject ? { subjects: options.subject } : {}),
    ...(options.judge ? { judges: options.judge } : {}),
    ...(options.scenario ? { scenarios: options.scenario } : {}),
    ...(options.samples !== undefined ? { samples: options.samples } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
  };
  const experiment = applyOverrides(loadExperiment(file), overrides);
  const participants = createParticipants(experiment, {
    ...(options.subject ? { subjects: "--subject" } : {}),
    ...(options.judge ? { judges: "--judge" } : {}),
  });
  return { experiment, participants };
}

export function addExperimentOptions<T extends import("commander").Command>(
  command: T,
  collect: (v: string, p?: string[]) => string[],
  wholeNumber: (v: string) => number,
): T {
  return command
    .option("--subject <spec>", "subject model, replaces the experiment's (repeatable)", collect)
    .option("--judge <spec>", "judge, replaces the experiment's (repeatable)", collect)
    .option("--scenario <id>", "run only this scenario (repeatable)", collect)
    .option("--samples <n>", "samples per design cell", wholeNumber)
    .option("--seed <n>", "experiment seed", wholeNumber)
    .option("--max-tokens <n>", "maximum tokens per model turn", wholeNumber);
}
