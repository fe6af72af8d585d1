import { InputError } from "./input-error.ts";
import type { LoadedExperiment } from "./load-experiment.ts";

/** Command-line values that replace the experiment's own. */
export interface ExperimentOverrides {
  subjects?: string[];
  judges?: string[];
  pressurer?: string;
  scenarios?: string[];
  samples?: number;
  seed?: number;
  maxTokens?: number;
}

export function applyOverrides(
  experiment: LoadedExperiment,
  overrides: ExperimentOverrides,
): LoadedExperiment {
  const spec = { ...experiment.spec };
  if (overrides.subjects?.length) spec.subjects = distinct(overrides.subjects, "--subject");
  if (overrides.judges?.length) spec.judges = distinct(overrides.judges, "--judge");
  if (overrides.pressurer !== undefined) spec.pressurer = overrides.pressurer;
  if (overrides.samples !== undefined)
    spec.samples = positiveInteger(overrides.samples, "--samples");
  if (overrides.seed !== undefined) spec.seed = nonNegativeInteger(overrides.seed, "--seed");
  if (overrides.maxTokens !== undefined)
    spec.max_tokens = positiveInteger(overrides.maxTokens, "--max-tokens");
  const scenarios = selectScenarios(experiment, overrides.scenarios ?? []);
  spec.scenarios = spec.scenarios.filter((entry) =>
    scenarios.some(
      (scenario) => scenario.loaded.spec.id === (typeof entry === "string" ? entry : entry.id),
    ),
  );
  return { ...experiment, spec, scenarios };
}

function selectScenarios(experiment: LoadedExperiment, wanted: readonly string[]) {
  if (wanted.length === 0) return experiment.scenarios;
  const known = experiment.scenarios.map((scenario) => scenario.loaded.spec.id);
  for (const id of wanted) {
    if (!known.includes(id)) {
      throw new InputError(`unknown scenario "${id}"; the experiment has: ${known.join(", ")}`, {
        field: "--scenario",
      });
    }
  }
  return experiment.scenarios.filter((scenario) => wanted.includes(scenario.loaded.spec.id));
}

function distinct(values: readonly string[], field: string): string[] {
  const duplicate = values.find((value, index) => values.indexOf(value) !== index);
  if (duplicate !== undefined) throw new InputError(`"${duplicate}" is given twice`, { field });
  return [...values];
}

function positiveInteger(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new InputError("expected a whole number of at least 1", { field });
  return value;
}

function nonNegativeInteger(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 2 ** 31 - 1) {
    throw new InputError("expected a whole number from 0 to 2147483647", { field });
  }
  return value;
}
