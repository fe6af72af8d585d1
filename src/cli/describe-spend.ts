/**
 * `$0.4871`; `at least $0.4871 (prices unknown for: …)` when a model has no price, or `unknown
 * (…)` when no priced model was billed: an unknown price is never shown as zero.
 */
export function describeSpend(spend: {
  costUsd?: number;
  unpricedModels?: readonly string[];
}): string {
  const known = spend.costUsd ?? 0;
  const unknown = spend.unpricedModels ?? [];
  if (unknown.length === 0) return `$${known.toFixed(4)}`;
  const which = `(prices unknown for: ${unknown.join(", ")})`;
  return known > 0 ? `at least $${known.toFixed(4)} ${which}` : `unknown ${which}`;
}
