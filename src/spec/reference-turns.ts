import { factorCombinations, variablesFor } from "./factor-combinations.ts";
import type { ScenarioSpec, StepSpec } from "./scenario.ts";
import { renderTemplate } from "./template.ts";

/** A step that may carry reference turns. */
export type StepWithExamples = Extract<StepSpec, { examples?: unknown }>;

/** One reference turn of a scenario, rendered at one combination of factor levels. */
export interface ReferenceTurn {
  step: StepWithExamples;
  levels: Record<string, string>;
  variables: Readonly<Record<string, string>>;
  kind: "desired" | "undesired";
  part: "reasoning" | "output";
  /** Where it is written: `steps[i].examples.KIND.PART[j]`. */
  field: string;
  text: string;
}

/**
 * Every reference turn of a scenario (each step's desired and undesired examples, reasoning and
 * output) at every combination of levels, with the level's variables filled in: what the checker
 * and the tests hold the cues and checks against.
 */
export function referenceTurns(scenario: ScenarioSpec): ReferenceTurn[] {
  const turns: ReferenceTurn[] = [];
  for (const levels of factorCombinations(scenario)) {
    const variables = variablesFor(scenario, levels);
    scenario.steps.forEach((step, index) => {
      if (!("examples" in step) || !step.examples) return;
      for (const kind of ["desired", "undesired"] as const) {
        for (const part of ["reasoning", "output"] as const) {
          step.examples[kind][part].forEach((text, entry) => {
            turns.push({
              step,
              levels: { ...levels },
              variables,
              kind,
              part,
              field: `steps[${index}].examples.${kind}.${part}[${entry}]`,
              text: renderTemplate(text, variables),
            });
          });
        }
      }
    });
  }
  return turns;
}
