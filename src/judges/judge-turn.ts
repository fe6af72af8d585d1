import { stopsTheRun } from "../providers/fatal-failure.ts";
import type { MeasurementDesign } from "../spec/measurement-design.ts";
import type { TurnOutcome, Verdict } from "../spec/verdict.ts";
import { CheckJudge } from "./check-judge.ts";
import { combineVerdicts } from "./combine-verdicts.ts";
import { inconclusiveVerdict, type Judge, type JudgeInput } from "./judge.ts";

/** Every judge's verdict on one turn, checks first (they always run), and the outcome. */
export async function judgeTurn(
  judges: readonly Judge[],
  input: JudgeInput,
  design: Pick<MeasurementDesign, "check_rule" | "tie_breaker">,
): Promise<{ verdicts: Verdict[]; outcome: TurnOutcome }> {
  const verdicts: Verdict[] = [];
  for (const judge of [new CheckJudge(design.check_rule), ...judges]) {
    const verdict = await judgeSafely(judge, input);
    if (verdict) verdicts.push(verdict);
  }
  const outcome = combineVerdicts(verdicts, input.turn.reasoningStatus, {
    tieBreaker: design.tie_breaker,
  });
  return { verdicts, outcome };
}

/**
 * A judge that throws gives an inconclusive verdict with the reason: judge failure is not
 * behaviour. A failure that would repeat on every call (a 401, a refused budget) is rethrown, so
 * the run stops instead of filling with inconclusive verdicts while the subject is still billed.
 */
async function judgeSafely(judge: Judge, input: JudgeInput): Promise<Verdict | null> {
  try {
    return await judge.judge(input);
  } catch (error) {
    if (stopsTheRun(error)) throw error;
    return inconclusiveVerdict(
      judge.id,
      `judge failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
