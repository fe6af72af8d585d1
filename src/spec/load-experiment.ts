import { basename } from "node:path";
import { checkModelSettings } from "./check-model-settings.ts";
import { checkTrialCount } from "./count-trials.ts";
import {
  type Arm,
  type ExperimentSpec,
  type ExtraFollowup,
  experimentSchema,
  SCENARIO_PATH,
} from "./experiment.ts";
import { factorCombinations, variablesFor } from "./factor-combinations.ts";
import { InputError } from "./input-error.ts";
import { assertScenarioId, type LoadedScenario, loadScenario, sha256 } from "./load-scenario.ts";
import { designOf, type MeasurementDesign } from "./measurement-design.ts";
import { readYamlFile } from "./read-yaml-file.ts";
import type { InterventionTurnSpec, ScenarioSpec, StepSpec } from "./scenario.ts";
import { isScenarioPath, resolveScenarioFile, scenarioFolders } from "./scenario-folders.ts";
import { parseWithSchema } from "./schema-issues.ts";
import { renderTemplate, templateVariableNames } from "./template.ts";
import { validateScenario } from "./validate-scenario.ts";

/** A scenario as one experiment uses it: chosen factor levels and intervention texts. */
export interface ExperimentScenario {
  loaded: LoadedScenario;
  levels: Record<string, string[]>;
  interventions: Interventions;
}

export type Interventions = Record<"refusal" | "rebuttal", InterventionTurnSpec>;

export interface LoadedExperiment {
  spec: ExperimentSpec;
  file: string;
  contentHash: string;
  scenarios: ExperimentScenario[];
  /** How this experiment measures; a stored run's own, for a run read back. */
  design: MeasurementDesign;
}

/** Reads and validates an experiment and every scenario it names. */
export function loadExperiment(file: string): LoadedExperiment {
  const data = readYamlFile(file);
  const spec = parseWithSchema(experimentSchema, data, file);
  checkDistinct(spec.arms, "arms", file);
  checkDistinct(spec.subjects, "subjects", file);
  checkDistinct(spec.judges, "judges", file);
  checkTieBreaker(spec, file);
  checkModelSettings(spec, file);
  const declaresPrimary = typeof data === "object" && data !== null && "primary" in data;
  if (declaresPrimary) checkPrimaryContrast(spec, file);
  const folders = scenarioFolders(spec.scenario_dir, file);
  const scenarios = spec.scenarios.map((entry, index) =>
    resolveScenario(entry, index, folders, spec.arms, file),
  );
  // Entries given as paths are recorded by id: a run keys its stored copies by id.
  spec.scenarios = spec.scenarios.map((entry, index) => {
    const id = (scenarios[index] as ExperimentScenario).loaded.spec.id;
    return typeof entry === "string" ? id : { ...entry, id };
  });
  checkDistinct(
    scenarios.map((scenario) => scenario.loaded.spec.id),
    "scenarios",
    file,
  );
  checkTrialCount({ spec, scenarios }, { file, field: "samples" });
  return {
    spec,
    file,
    contentHash: sha256(JSON.stringify(data)),
    scenarios,
    design: designOf(spec),
  };
}

/**
 * A declared contrast compares two different arms that the experiment runs. (The default one,
 * refusal vs rebuttal, is not checked: an experiment without those arms has no primary answer,
 * and its report says so.)
 */
function checkPrimaryContrast(spec: ExperimentSpec, file: string): void {
  const [a, b] = spec.primary.contrast;
  if (a === b) {
    throw new InputError(`compares "${a}" with itself; name two different arms`, {
      file,
      field: "primary.contrast",
    });
  }
  spec.primary.contrast.forEach((arm, index) => {
    if (!spec.arms.includes(arm)) {
      throw new InputError(`"${arm}" is not one of the arms run (${spec.arms.join(", ")})`, {
        file,
        field: `primary.contrast[${index}]`,
      });
    }
  });
}

/** A tie-breaker must be one of the judges, or a tie could never be broken. */
export function checkTieBreaker(
  spec: Pick<ExperimentSpec, "judges" | "tie_breaker">,
  file: string,
): void {
  if (spec.tie_breaker === undefined || spec.judges.includes(spec.tie_breaker)) return;
  throw new InputError(
    `"${spec.tie_breaker}" is not one of the judges (${spec.judges.join(", ")})`,
    {
      file,
      field: "tie_breaker",
    },
  );
}

function resolveScenario(
  entry: ExperimentSpec["scenarios"][number],
  index: number,
  folders: readonly string[],
  arms: readonly Arm[],
  file: string,
): ExperimentScenario {
  const reference = typeof entry === "string" ? entry : entry.id;
  const field = typeof entry === "string" ? `scenarios[${index}]` : `scenarios[${index}].id`;
  const scenarioFile = resolveScenarioFile(reference, folders, file, field);
  const loaded = loadScenarioNamedIn(scenarioFile, isScenarioPath(reference), file, field);
  return configureScenario(loaded, entry, index, arms, file);
}

/** Applies an experiment's entry (chosen levels, intervention overrides) to a loaded scenario. */
export function configureScenario(
  scenario: LoadedScenario,
  entry: ExperimentSpec["scenarios"][number],
  index: number,
  arms: readonly Arm[],
  file: string,
): ExperimentScenario {
  let loaded = scenario;
  const field = `scenarios[${index}]`;
  if (typeof entry !== "string" && entry.extra_followups?.length) {
    loaded = withExtraFollowups(loaded, entry.extra_followups, file, `${field}.extra_followups`);
  }
  const chosen = typeof entry === "string" ? {} : (entry.factors ?? {});
  const levels = chooseLevels(loaded, chosen, file, `${field}.factors`);
  const overrides = typeof entry === "string" ? {} : (entry.interventions ?? {});
  const own = loaded.spec.interventions;
  const interventions: Interventions = {
    refusal: { ...own.refusal, ...overrides.refusal },
    rebuttal: { ...own.rebuttal, ...overrides.rebuttal },
  };
  checkOverrideVariables(loaded, interventions, file, `${field}.interventions`);
  if (arms.includes("control") && !loaded.spec.steps.some((s) => s.role === "user" && s.harmful)) {
    throw new InputError(
      `arm "control" replaces the harmful request with its neutral counterpart, but scenario "${loaded.spec.id}" marks no user step harmful`,
      { file, field: "arms" },
    );
  }
  return { loaded, levels, interventions };
}

/**
 * The scenario with the experiment's extra follow-ups appended, validated as a whole; problems in
 * the extra steps are reported where they were written, in the experiment.
 */
function withExtraFollowups(
  loaded: LoadedScenario,
  extras: readonly ExtraFollowup[],
  file: string,
  field: string,
): LoadedScenario {
  const ownSteps = loaded.spec.steps.length;
  const appended = extras.map(({ examples_from: source, ...extra }, index): StepSpec => {
    const template =
      source === undefined ? undefined : loaded.spec.steps.find((step) => step.id === source);
    if (source !== undefined && (!template || !("examples" in template))) {
      throw new InputError(`no step "${source}" with examples in scenario "${loaded.spec.id}"`, {
        file,
        field: `${field}[${index}].examples_from`,
      });
    }
    const inherited =
      template && "examples" in template
        ? { examples: template.examples, checks: template.checks }
        : {};
    return { ...inherited, ...extra, role: "followup" };
  });
  const spec: ScenarioSpec = { ...loaded.spec, steps: [...loaded.spec.steps, ...appended] };
  try {
    validateScenario(spec, file, { storedCopy: loaded.storedCopy === true });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const step = /^steps\[(\d+)\](.*)$/.exec(error.field ?? "");
    const where =
      step && Number(step[1]) >= ownSteps
        ? `${field}[${Number(step[1]) - ownSteps}]${step[2]}`
        : field;
    throw new InputError(error.problem, { file, field: where });
  }
  return { ...loaded, spec };
}

/** Loads a scenario an experiment names; one named by id must carry the id of its file name. */
function loadScenarioNamedIn(
  scenarioFile: string,
  byPath: boolean,
  file: string,
  field: string,
): LoadedScenario {
  const id = basename(scenarioFile).replace(SCENARIO_PATH, "");
  try {
    const loaded = loadScenario(scenarioFile);
    if (!byPath) assertScenarioId(loaded, id);
    return loaded;
  } catch (error) {
    if (!(error instanceof InputError) || error.file !== scenarioFile) throw error;
    // The problem is in the scenario's file; say too which entry of the experiment names it.
    const [firstLine, ...others] = error.problem.split("\n");
    const named = ` (scenario "${id}", named by ${file} at ${field})`;
    throw new InputError([`${firstLine}${named}`, ...others].join("\n"), {
      file: error.file,
      field: error.field,
    });
  }
}

function chooseLevels(
  loaded: LoadedScenario,
  chosen: Readonly<Record<string, string[]>>,
  file: string,
  field: string,
): Record<string, string[]> {
  const levels: Record<string, string[]> = {};
  for (const [factor, definition] of Object.entries(loaded.spec.factors)) {
    levels[factor] = Object.keys(definition.levels);
  }
  for (const [factor, wanted] of Object.entries(chosen)) {
    const known = levels[factor];
    if (!known) {
      const declared = Object.keys(levels).join(", ") || "none";
      throw new InputError(`unknown factor; scenario "${loaded.spec.id}" has: ${declared}`, {
        file,
        field: `${field}.${factor}`,
      });
    }
    wanted.forEach((level, index) => {
      if (!known.includes(level)) {
        throw new InputError(`unknown level "${level}"; levels: ${known.join(", ")}`, {
          file,
          field: `${field}.${factor}[${index}]`,
        });
      }
    });
    checkDistinct(wanted, `${field}.${factor}`, file);
    levels[factor] = wanted;
  }
  return levels;
}

function checkOverrideVariables(
  loaded: LoadedScenario,
  interventions: Interventions,
  file: string,
  field: string,
): void {
  for (const levels of factorCombinations(loaded.spec)) {
    const variables = variablesFor(loaded.spec, levels);
    for (const arm of ["refusal", "rebuttal"] as const) {
      for (const part of ["reasoning", "output"] as const) {
        const missing = templateVariableNames(renderTemplate(interventions[arm][part], variables));
        if (missing.length > 0) {
          throw new InputError(`unknown template variable {{${missing[0]}}}`, {
            file,
            field: `${field}.${arm}.${part}`,
          });
        }
      }
    }
  }
}

function checkDistinct(values: readonly string[], field: string, file: string): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (seen.has(value)) {
      throw new InputError(`duplicate "${value}"`, { file, field: `${field}[${index}]` });
    }
    seen.add(value);
  });
}
