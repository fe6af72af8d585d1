import { costOf } from "../providers/price-table.ts";
import type { Participants } from "./create-participants.ts";
import type { UsageEstimate } from "./estimate-usage.ts";

export interface CostEstimate {
  /** Dollars at most, for the models whose price is known. */
  maxUsd: number;
  /** Models that would be called but have no known price. */
  unpriced: string[];
}

/** The ceiling of what an experiment can cost: every subject and every model judge. */
export function estimateCost(
  usage: UsageEstimate,
  subjects: readonly string[],
  participants: Participants,
): CostEstimate {
  let maxUsd = 0;
  const unpriced: string[] = [];
  const charge = (spec: string, inputTokens: number, outputTokens: number) => {
    const price = participants.prices.get(spec);
    if (price) maxUsd += costOf(price, { inputTokens, outputTokens });
    else unpriced.push(spec);
  };
  for (const subject of subjects)
    charge(subject, usage.subjectInputTokens, usage.subjectOutputTokens);
  for (const judge of participants.judges.filter((candidate) => candidate.usesModel)) {
    charge(judge.id, usage.judgeInputTokensPerJudge, usage.judgeOutputTokensPerJudge);
  }
  return { maxUsd, unpriced };
}
