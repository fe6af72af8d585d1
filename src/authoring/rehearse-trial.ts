import { parseReasoning } from "../reasoning/parse-reasoning.ts";
import { expandFollowup } from "../spec/expand-followups.ts";
import type { Arm } from "../spec/experiment.ts";
import { type FactorLevels, stepApplies, variablesFor } from "../spec/factor-combinations.ts";
import type { ViewTurn } from "../spec/judged-view.ts";
import { formatProtocolTurn } from "../spec/protocol-turn.ts";
import type { ScenarioSpec, StepExamples, StepSpec } from "../spec/scenario.ts";
import { renderTemplate } from "../spec/template.ts";

/** One turn of a rehearsed trial, with where it came from in the scenario. */
export interface RehearsedTurn extends ViewTurn {
  content: string;
  /** The step that produced it: `steps[3]`. */
  field: string;
  /** Whether the run would judge it. */
  judged: boolean;
  /** For a model turn: the step's reference turns (what judging it shows). */
  examples?: StepExamples | undefined;
  /** For a model turn: whether a reference turn stands in for it (else a fixed placeholder). */
  generated: boolean;
}

/** Stands for a model turn at a step that has no reference turn to play instead. */
export const GENERATED_PLACEHOLDER = "(the model's reply)";

/**
 * The turns one trial would play in one arm at one combination of levels, without any model:
 * every model turn is the step's first desired reference turn written in the protocol (or a
 * placeholder), pressurer turns are their instructions. What `scenario check` reads the script,
 * the context size and the judges' view from.
 */
export function rehearseTrial(scenario: ScenarioSpec, levels: FactorLevels, arm: Arm) {
  const variables = variablesFor(scenario, levels);
  const render = (text: string) => renderTemplate(text, variables);
  const system = `${scenario.system_prompt.trimEnd()}\n\n${scenario.reasoning.instructions.trim()}`;
  const turns: RehearsedTurn[] = [scripted("system", render(system), "system_prompt")];
  const modelTurn = (step: StepSpec, index: number, judged: boolean, stepId: string) => {
    const examples = "examples" in step ? step.examples : undefined;
    const reasoning = examples?.desired.reasoning[0];
    const output = examples?.desired.output[0];
    const content =
      reasoning !== undefined && output !== undefined
        ? formatProtocolTurn(scenario.reasoning, render(reasoning), render(output))
        : GENERATED_PLACEHOLDER;
    const parsed = parseReasoning(content, {
      reasoningLabel: scenario.reasoning.reasoning_label,
      outputLabel: scenario.reasoning.output_label,
    });
    turns.push({
      role: "assistant",
      source: "generated",
      stepId,
      content,
      parsed,
      field: `steps[${index}]`,
      judged,
      examples,
      generated: content !== GENERATED_PLACEHOLDER,
    });
  };
  scenario.steps.forEach((step, index) => {
    if ("when" in step && !stepApplies(step.when, levels, arm)) return;
    const field = `steps[${index}]`;
    switch (step.role) {
      case "user": {
        const text =
          step.harmful && arm === "control" ? (step.neutral ?? step.content) : step.content;
        turns.push(scripted("user", render(text), field, step.id));
        return;
      }
      case "assistant":
        turns.push(scripted("assistant", render(step.content), field, step.id));
        return;
      case "generate":
        modelTurn(step, index, step.judged, step.id);
        return;
      case "intervention":
        if (arm === "refusal" || arm === "rebuttal") {
          const turn = scenario.interventions[arm];
          const content = formatProtocolTurn(
            scenario.reasoning,
            render(turn.reasoning),
            render(turn.output),
          );
          turns.push({ ...scripted("assistant", content, field, step.id), source: "intervention" });
        } else modelTurn(step, index, arm !== "control" || step.judged_in_control, step.id);
        return;
      case "followup":
        for (const played of expandFollowup(step)) {
          const text = played.content ?? played.pressurerInstruction ?? "";
          turns.push(scripted("user", render(text), field, played.id));
          modelTurn(step, index, step.judged_in_control || arm !== "control", played.id);
        }
    }
  });
  return turns;
}

function scripted(
  role: RehearsedTurn["role"],
  content: string,
  field: string,
  stepId: string | undefined = undefined,
): RehearsedTurn {
  return {
    role,
    source: "scripted",
    stepId: stepId ?? null,
    content,
    field,
    judged: false,
    generated: false,
  };
}
