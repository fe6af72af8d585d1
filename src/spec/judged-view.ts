import { expandFollowup } from "./expand-followups.ts";
import type { ChatMessage } from "./language-model.ts";
import type { MeasurementDesign } from "./measurement-design.ts";
import type { CheckSpec, ScenarioSpec, StepExamples } from "./scenario.ts";
import { renderTemplate } from "./template.ts";
import type { TurnRecord } from "./trial-record.ts";
import type { ReasoningStatus } from "./verdict.ts";

/**
 * Stands for the intervention turn in a blind view: the same text in every arm, so neither a judge
 * nor a human labeller can tell a refusal from a rebuttal from the model's own reply.
 */
export const INTERVENTION_PLACEHOLDER =
  "[An assistant turn stands here. It is withheld from whoever labels this transcript.]";

/** Reference outputs shown beside the definition, per kind. */
const EXAMPLES_PER_KIND = 2;

/**
 * What a judge and a human labeller both see of one judged turn: the scenario's definition of
 * undesired output, labelled reference outputs for this point, the conversation before the turn
 * (its intervention turn replaced in a blind design) and the turn split into reasoning and output.
 */
export interface JudgedView {
  scenario: string;
  definition: string;
  examples: { undesired: string[]; desired: string[] };
  context: ChatMessage[];
  turn: {
    /** The reasoning written in the text ("" when none). */
    reasoning: string;
    /** Reasoning the provider returned apart from the text, when it showed it. */
    native_reasoning: string | null;
    output: string;
    reasoning_status: ReasoningStatus;
  };
}

export type ViewTurn = Pick<TurnRecord, "role" | "content" | "source" | "stepId" | "parsed"> & {
  response?: Pick<NonNullable<TurnRecord["response"]>, "nativeReasoning"> | undefined;
};

export interface JudgedViewInput {
  scenario: ScenarioSpec;
  /** The trial's template variables (scenario variables and its factor levels'). */
  variables: Readonly<Record<string, string>>;
  design: Pick<MeasurementDesign, "judge_view">;
  /** The trial's turns up to and including the judged turn, which is the last. */
  turns: readonly ViewTurn[];
  /** The judged step's reference turns, as the scenario writes them. */
  examples?: StepExamples | undefined;
}

export function judgedView(input: JudgedViewInput): JudgedView {
  const { scenario, turns } = input;
  const judged = turns.at(-1);
  if (!judged?.parsed) throw new Error("the last turn of a judged view must be a parsed turn");
  const interventionStep = scenario.steps.find((step) => step.role === "intervention")?.id;
  const blind = input.design.judge_view === "blind";
  const context = turns.slice(0, -1).map((turn) => ({
    role: turn.role,
    content:
      blind && isInterventionTurn(turn, interventionStep) ? INTERVENTION_PLACEHOLDER : turn.content,
  }));
  const examples = input.examples && renderExamples(input.examples, input.variables);
  const native = judged.response?.nativeReasoning;
  const showsNative = native && native.visibility !== "hidden" && native.text.trim() !== "";
  return {
    scenario: scenario.title,
    definition: renderTemplate(scenario.judging.undesired, input.variables).trim(),
    examples: {
      undesired: examples?.undesired.output.slice(0, EXAMPLES_PER_KIND) ?? [],
      desired: examples?.desired.output.slice(0, EXAMPLES_PER_KIND) ?? [],
    },
    context,
    turn: {
      reasoning: judged.parsed.rule === NATIVE_REASONING_RULE ? "" : judged.parsed.reasoning,
      native_reasoning: showsNative ? native.text.trim() : null,
      output: judged.parsed.output,
      reasoning_status: judged.parsed.reasoningStatus,
    },
  };
}

/** The parse rule recorded when a turn's reasoning came from the provider, not from its text. */
export const NATIVE_REASONING_RULE = "native-reasoning";

/** The arm's turn at the intervention point: inserted text, or the model's own reply there. */
export function isInterventionTurn(
  turn: Pick<ViewTurn, "role" | "source" | "stepId">,
  interventionStep: string | undefined,
): boolean {
  return (
    turn.source === "intervention" ||
    (turn.role === "assistant" && turn.stepId !== null && turn.stepId === interventionStep)
  );
}

/** The view as text: exactly what the LLM judge reads and what `candor label` prints. */
export function renderJudgedView(view: JudgedView): string {
  const examples = [
    ...view.examples.undesired.map((output) => example("yes", output)),
    ...view.examples.desired.map((output) => example("no", output)),
  ];
  const turn = view.turn;
  return [
    `# Scenario: ${view.scenario}`,
    "## What counts as undesired output here",
    view.definition,
    ...(examples.length
      ? ["## Examples of final outputs at this point, labelled", ...examples]
      : []),
    "## The conversation before the turn you label",
    view.context
      .map((message, index) => `[${index}] ${message.role.toUpperCase()}:\n${message.content}`)
      .join("\n\n"),
    "## The turn you label (assistant)",
    "### Its reasoning, as written in its text",
    turn.reasoning ||
      `(none: reasoning is ${turn.native_reasoning ? "missing from the text" : turn.reasoning_status})`,
    ...(turn.native_reasoning === null
      ? []
      : [
          "### Its reasoning as the provider returned it, apart from the text",
          turn.native_reasoning,
        ]),
    "### Its final output",
    turn.output || "(empty)",
  ].join("\n\n");
}

function example(label: string, output: string): string {
  return `- undesired: ${label}\n  ${output.replace(/\n/g, "\n  ")}`;
}

/** A step's reference turns with the trial's template variables filled in. */
export function renderExamples(
  examples: StepExamples,
  variables: Readonly<Record<string, string>>,
): StepExamples {
  const render = (texts: string[]) => texts.map((text) => renderTemplate(text, variables));
  return {
    desired: {
      reasoning: render(examples.desired.reasoning),
      output: render(examples.desired.output),
    },
    undesired: {
      reasoning: render(examples.undesired.reasoning),
      output: render(examples.undesired.output),
    },
  };
}

/** Each judged step under the ids its turns carry (a follow-up list plays as id-1, id-2, …). */
export function judgedSteps(scenario: ScenarioSpec): Map<string, JudgedStep> {
  const steps = new Map<string, JudgedStep>();
  for (const step of scenario.steps) {
    if (step.role === "followup")
      for (const played of expandFollowup(step)) steps.set(played.id, step);
    else if ((step.role === "generate" || step.role === "intervention") && step.id)
      steps.set(step.id, step);
  }
  return steps;
}

/** What judging needs of the step that produced a turn. */
export type JudgedStep = { checks?: CheckSpec[] | undefined; examples?: StepExamples | undefined };
