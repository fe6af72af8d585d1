import { costOf, type Price } from "../providers/price-table.ts";
import type { TrialResult } from "../spec/trial-record.ts";

/** What one trial's calls cost: subject, pressurer and judges, cached calls excluded. */
export interface TrialUsage {
  /** Input and output tokens of calls not served from the cache. */
  tokens: number;
  /** Dollars, over the calls whose model has a known price. */
  costUsd: number;
  /** Models that made billed calls without a known price: costUsd undercounts them. */
  unpriced: string[];
}

export function trialUsage(
  result: TrialResult,
  prices: ReadonlyMap<string, Price | undefined>,
  pressurer?: string,
): TrialUsage {
  const usage: TrialUsage = { tokens: 0, costUsd: 0, unpriced: [] };
  const charge = (spec: string, tokens: { inputTokens: number; outputTokens: number }) => {
    if (tokens.inputTokens + tokens.outputTokens === 0) return;
    usage.tokens += tokens.inputTokens + tokens.outputTokens;
    const price = prices.get(spec);
    if (price) usage.costUsd += costOf(price, tokens);
    else if (!usage.unpriced.includes(spec)) usage.unpriced.push(spec);
  };
  for (const turn of result.turns) {
    const response = turn.response;
    if (response && response.metadata?.cached !== true) {
      if (turn.source === "generated") charge(result.subject, response.usage);
      if (turn.source === "pressurer" && pressurer) charge(pressurer, response.usage);
    }
    for (const verdict of turn.verdicts) {
      if (verdict.usage)
        charge(verdict.judge, {
          inputTokens: verdict.usage.billedInputTokens,
          outputTokens: verdict.usage.billedOutputTokens,
        });
    }
  }
  return usage;
}
