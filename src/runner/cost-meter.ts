import { costOf, type Price } from "../providers/price-table.ts";
import type { TrialResult } from "../spec/trial-record.ts";

/** Money spent so far, from what each finished trial reports. Cached calls cost nothing. */
export class CostMeter {
  private spent = 0;
  private billedTokens = 0;
  private unpriced = new Set<string>();

  constructor(
    private readonly prices: ReadonlyMap<string, Price | undefined>,
    private readonly pressurer?: string,
  ) {}

  get totalUsd(): number {
    return this.spent;
  }

  /** Input and output tokens of calls not served from the cache. */
  get tokens(): number {
    return this.billedTokens;
  }

  /** Models that made billed calls without a known price: the total undercounts them. */
  get unpricedModels(): string[] {
    return [...this.unpriced];
  }

  add(result: TrialResult): void {
    for (const turn of result.turns) {
      const response = turn.response;
      if (response && response.metadata?.cached !== true) {
        if (turn.source === "generated") this.charge(result.subject, response.usage);
        if (turn.source === "pressurer" && this.pressurer)
          this.charge(this.pressurer, response.usage);
      }
      for (const verdict of turn.verdicts) {
        const usage = verdict.usage;
        if (usage)
          this.charge(verdict.judge, {
            inputTokens: usage.billedInputTokens,
            outputTokens: usage.billedOutputTokens,
          });
      }
    }
  }

  private charge(spec: string, usage: { inputTokens: number; outputTokens: number }): void {
    if (usage.inputTokens + usage.outputTokens === 0) return;
    this.billedTokens += usage.inputTokens + usage.outputTokens;
    const price = this.prices.get(spec);
    if (price) this.spent += costOf(price, usage);
    else this.unpriced.add(spec);
  }
}
