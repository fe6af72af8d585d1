import { judgeInputFor } from "../src/runner/judge-input.ts";
import { factorCombinations, variablesFor } from "../src/spec/factor-combinations.ts";
import type { ChatMessage } from "../src/spec/language-model.ts";
import type { MeasurementDesign } from "../src/spec/measurement-design.ts";
import type { CheckSpec, ScenarioSpec, StepExamples } from "../src/spec/scenario.ts";
import type { ParsedReasoning } from "../src/spec/trial-record.ts";

/**
 * A judge's input for one turn written in a test: the conversation before it as scripted turns,
 * the turn itself split as given, the scenario at its first factor levels unless others are named.
 */
export function judgeInputForTest(options: {
  scenario: ScenarioSpec;
  context: readonly ChatMessage[];
  text: string;
  parsed: ParsedReasoning;
  levels?: Record<string, string>;
  checks?: readonly CheckSpec[];
  examples?: StepExamples;
  judgeView?: MeasurementDesign["judge_view"];
}) {
  const levels = options.levels ?? factorCombinations(options.scenario)[0] ?? {};
  return judgeInputFor({
    scenario: options.scenario,
    variables: variablesFor(options.scenario, levels),
    design: { judge_view: options.judgeView ?? "blind" },
    turns: [
      ...options.context.map((message) => ({
        ...message,
        source: "scripted" as const,
        stepId: null,
      })),
      {
        role: "assistant",
        content: options.text,
        source: "generated",
        stepId: "judged",
        parsed: options.parsed,
      },
    ],
    step: { checks: options.checks && [...options.checks], examples: options.examples },
  });
}
