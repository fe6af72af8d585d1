import type { TurnOutcome, Verdict } from "../spec/verdict.ts";
import { CheckJudge } from "./check-judge.ts";
import { combineVerdicts } from "./combine-verdicts.ts";
import { inconclusiveVerdict, type Judge, type JudgeInput } from "./judge.ts";

/** The scenario's deterministic checks run on every judged turn, whatever judges are chosen. */
const CHECKS = new CheckJudge();

/** Every judge's verdict on one turn, checks first, and the outcome they amount to. */
export async function judgeTurn(
  judges: readonly Judge[],
  input: JudgeInput,
): Promise<{ verdicts: Verdict[]; outcome: TurnOutcome }> {
  const verdicts: Verdict[] = [];
  for (const judge of [CHECKS, ...judges]) {
    const verdict = await judgeSafely(judge, input);
    if (verdict) verdicts.push(verdict);
  }
  return { verdicts, outcome: combineVerdicts(verdicts, input.turn.reasoningStatus) };
}

/** A judge that throws gives an inconclusive verdict with the reason: judge failure is not behaviour. */
async function judgeSafely(judge: Judge, input: JudgeInput): Promise<Verdict | null> {
  try {
    return await judge.judge(input);
  } catch (error) {
    return inconclusiveVerdict(
      judge.id,
      `judge failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
