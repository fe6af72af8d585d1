import type * as z from "zod";
import { checkTrialCount } from "./count-trials.ts";
import { experimentSchema } from "./experiment.ts";
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
  /** `--batch`: every `openai:` and `anthropic:` model goes through its provider's batch API. */
  batch?: boolean;
}

export function applyOverrides(
  experiment: LoadedExperiment,
  overrides: ExperimentOverrides,
): LoadedExperiment {
  const spec = { ...experiment.spec };
  if (overrides.subjects?.length) spec.subjects = distinct(overrides.subjects, "--subject");
  if (overrides.judges?.length) spec.judges = distinct(overrides.judges, "--judge");
  if (overrides.pressurer !== undefined) spec.pressurer = overrides.pressurer;
  // Flags pass the same schema checks as the file's fields, caps included.
  if (overrides.samples !== undefined)
    spec.samples = checkedFlag(experimentSchema.shape.samples, overrides.samples, "--samples");
  if (overrides.seed !== undefined)
    spec.seed = checkedFlag(experimentSchema.shape.seed, overrides.seed, "--seed");
  if (overrides.maxTokens !== undefined) {
    spec.max_tokens = checkedFlag(
      experimentSchema.shape.max_tokens,
      overrides.maxTokens,
      "--max-tokens",
    );
  }
  if (overrides.batch) spec.models = batchedModels(spec);
  const scenarios = selectScenarios(experiment, overrides.scenarios ?? []);
  spec.scenarios = spec.scenarios.filter((entry) =>
    scenarios.some(
      (scenario) => scenario.loaded.spec.id === (typeof entry === "string" ? entry : entry.id),
    ),
  );
  checkTrialCount(
    { spec, scenarios },
    overrides.samples !== undefined
      ? { field: "--samples" }
      : { file: experiment.file, field: "samples" },
  );
  return { ...experiment, spec, scenarios };
}

/** Providers with a batch API (see check-model-settings.ts). */
const BATCH_PROVIDERS = ["openai:", "anthropic:"];

/**
 * The models settings with `batch: true` for every subject, judge and pressurer whose provider has
 * a batch API, so the run records it and prices those calls at the batch price.
 */
export function batchedModels(spec: LoadedExperiment["spec"]): LoadedExperiment["spec"]["models"] {
  const specs = [...spec.subjects, ...spec.judges, ...(spec.pressurer ? [spec.pressurer] : [])];
  const batched = specs.filter((model) =>
    BATCH_PROVIDERS.some((prefix) => model.startsWith(prefix)),
  );
  if (batched.length === 0) {
    throw new InputError("no openai: or anthropic: model to send through a batch API", {
      field: "--batch",
    });
  }
  const models = { ...spec.models };
  for (const model of batched) models[model] = { ...models[model], batch: true };
  return models;
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

/** A flag's value checked by the experiment file's own field schema; the message names the flag. */
function checkedFlag(schema: z.ZodType<number>, value: number, field: string): number {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const message = result.error.issues[0]?.message ?? "is not allowed";
  throw new InputError(`${value} is not allowed: ${message}`, { field });
}
