import type { JudgedView } from "../spec/judged-view.ts";
import type { CheckSpec } from "../spec/scenario.ts";
import type { ReasoningStatus, Verdict } from "../spec/verdict.ts";

/** A generated turn, split by the reasoning parser. */
export interface JudgedTurn {
  text: string;
  /** The turn's reasoning: written in the text, or returned by the provider when the text has none. */
  reasoning: string;
  output: string;
  reasoningStatus: ReasoningStatus;
}

/** The scenario's cue patterns, filled in with the trial's variables. */
export interface Cues {
  undesired: readonly string[];
  desired: readonly string[];
}

export interface JudgeInput {
  /** What a model judge reads, and exactly what a human labeller sees of the same turn. */
  view: JudgedView;
  turn: JudgedTurn;
  /** The deterministic checks of the step that produced the turn. */
  checks: readonly CheckSpec[];
  cues?: Cues | undefined;
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
