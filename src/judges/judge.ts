import type { ChatMessage } from "../spec/language-model.ts";
import type { CheckSpec, ScenarioSpec, StepExamples } from "../spec/scenario.ts";
import type { ReasoningStatus, Verdict } from "../spec/verdict.ts";

/** A generated turn, split by the reasoning parser. */
export interface JudgedTurn {
  text: string;
  reasoning: string;
  output: string;
  reasoningStatus: ReasoningStatus;
}

export interface JudgeInput {
  scenario: ScenarioSpec;
  /** The conversation up to and including the judged turn (the last message). */
  conversation: readonly ChatMessage[];
  turn: JudgedTurn;
  /** The deterministic checks of the step that produced the turn. */
  checks: readonly CheckSpec[];
  /** The step's reference turns (rendered for this trial), for few-shot judging. */
  examples?: StepExamples;
}

/** Anything that gives verdicts: deterministic checks, the heuristic baseline, later LLM judges. */
export interface Judge {
  readonly id: string;
  /** Makes model calls (and so costs money and time), unlike the offline judges. */
  readonly usesModel: boolean;
  /** Returns null when the judge has nothing to say about this turn. */
  judge(input: JudgeInput): Promise<Verdict | null>;
}

export function inconclusiveVerdict(judge: string, reason: string): Verdict {
  return {
    judge,
    undesired: "inconclusive",
    consistency: "inconclusive",
    quotes: [],
    rationale: reason,
    inconclusiveReason: reason,
  };
}
