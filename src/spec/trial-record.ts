import type { Arm } from "./experiment.ts";
import type { FactorLevels } from "./factor-combinations.ts";
import type { ChatMessage, GenerateResult } from "./language-model.ts";
import type { ModelCall } from "./model-call.ts";
import type { ReasoningStatus, TurnOutcome, Verdict } from "./verdict.ts";

/** scripted: the scenario's text; intervention: the arm's text; generated: the subject; pressurer: a model playing the user. */
export type TurnSource = "scripted" | "intervention" | "generated" | "pressurer";

export interface ParsedReasoning {
  reasoning: string;
  output: string;
  reasoningStatus: ReasoningStatus;
  /** Which parser rule matched, for auditing the split. */
  rule: string;
}

export interface TurnRecord {
  index: number;
  role: ChatMessage["role"];
  source: TurnSource;
  stepId: string | null;
  /** 0 up to and including the intervention point; k on follow-up k's user and model turns. */
  followup: number;
  content: string;
  judged: boolean;
  parsed?: ParsedReasoning;
  response?: Omit<GenerateResult, "text">;
  /** The call that made a generated or pressurer turn, as recorded (the store keeps it apart). */
  call?: ModelCall;
  verdicts: Verdict[];
  outcome?: TurnOutcome;
}

export type TrialStatus = "pending" | "complete" | "error";

export interface TrialIdentity {
  trialId: string;
  subject: string;
  scenarioId: string;
  levels: FactorLevels;
  arm: Arm;
  sample: number;
  seed: number;
}

export interface TrialResult extends TrialIdentity {
  status: Exclude<TrialStatus, "pending">;
  /**
   * sha256 of the conversation up to the intervention point. Arms of one sample with equal hashes
   * saw exactly the same prefix, which is what makes their comparison a paired one.
   */
  prefixHash?: string;
  error?: string;
  simulated: boolean;
  turns: TurnRecord[];
}
