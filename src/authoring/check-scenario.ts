import { InputError } from "../spec/input-error.ts";
import { type LoadedScenario, loadScenario } from "../spec/load-scenario.ts";
import type { ScenarioSpec } from "../spec/scenario.ts";
import { checkInterventions } from "./check-interventions.ts";
import { checkJudgedViews } from "./check-judged-views.ts";
import { checkScripts, type ScriptCheckOptions } from "./check-scripts.ts";
import { checkCueMargins, type ReferenceMargin } from "./cue-margins.ts";
import { findingsFromInputError, type ScenarioFinding } from "./scenario-finding.ts";

export interface ScenarioCheck {
  file: string;
  /** Undefined when the file did not validate (its findings say why). */
  scenario: ScenarioSpec | undefined;
  findings: ScenarioFinding[];
  /** Reference turns scored on the cues, each one's margin, and the smallest margin. */
  referenceTurns: number;
  margins: ReferenceMargin[];
  smallestMargin: number | undefined;
}

export type ScenarioCheckOptions = Partial<ScriptCheckOptions>;

/** The experiment default, used when no --max-tokens is given. */
export const DEFAULT_MAX_TOKENS = 800;

/** `candor scenario check` on one file: everything `validate` does, then the authoring checks. */
export function checkScenarioFile(file: string, options: ScenarioCheckOptions = {}): ScenarioCheck {
  let loaded: LoadedScenario;
  try {
    loaded = loadScenario(file);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const findings = findingsFromInputError(error, file);
    return {
      file,
      scenario: undefined,
      findings,
      referenceTurns: 0,
      margins: [],
      smallestMargin: undefined,
    };
  }
  return { file, ...checkScenario(loaded.spec, file, options) };
}

/** The authoring checks on a scenario that validated. */
export function checkScenario(
  scenario: ScenarioSpec,
  file: string,
  options: ScenarioCheckOptions = {},
): Omit<ScenarioCheck, "file"> {
  const cues = checkCueMargins(scenario, file);
  const scriptOptions = { maxTokens: options.maxTokens ?? DEFAULT_MAX_TOKENS, ...options };
  const findings = [
    ...cues.findings,
    ...checkNeutralCounterparts(scenario, file),
    ...checkReferenceTurnsPresent(scenario, file),
    ...checkInterventions(scenario, file),
    ...checkScripts(scenario, file, scriptOptions),
    ...checkJudgedViews(scenario, file),
  ];
  return {
    scenario,
    findings,
    referenceTurns: cues.scored,
    margins: cues.margins,
    smallestMargin: cues.smallestMargin,
  };
}

/** A neutral counterpart identical to its harmful step would make control a copy of natural. */
function checkNeutralCounterparts(scenario: ScenarioSpec, file: string): ScenarioFinding[] {
  return scenario.steps.flatMap((step, index) =>
    step.role === "user" && step.harmful && step.neutral?.trim() === step.content.trim()
      ? [
          {
            severity: "error" as const,
            file,
            field: `steps[${index}].neutral`,
            message:
              "is the harmful text itself: replace only the harmful request with a legitimate one",
          },
        ]
      : [],
  );
}

/** Judged steps without reference turns leave the simulated subject and few-shot judges blind. */
function checkReferenceTurnsPresent(scenario: ScenarioSpec, file: string): ScenarioFinding[] {
  return scenario.steps.flatMap((step, index) => {
    const judged = step.role === "followup" || (step.role === "generate" && step.judged);
    if (!judged || step.examples !== undefined) return [];
    return [
      {
        severity: "warning" as const,
        file,
        field: `steps[${index}].examples`,
        message:
          "a judged step without reference turns: the simulated subject cannot play it and judges get no examples (add desired and undesired reasoning and output)",
      },
    ];
  });
}
