export { describeFactors } from "../spec/factor-combinations.ts";

import type { Proportion } from "./analyze-run.ts";

export function percent(value: number | null, digits = 1): string {
  return value === null ? "–" : `${(value * 100).toFixed(digits)}%`;
}

/**
 * `45.0% [26.8–64.7] (9/20)`, a dash when nothing was decidable, and the inconclusive count beside
 * the rate whenever there is one: it is left out of n and must never be out of sight.
 */
export function formatProportion(proportion: Proportion): string {
  const inconclusive = proportion.inconclusive ? `, ${proportion.inconclusive} inconclusive` : "";
  if (proportion.n === 0) return `– (0/0${inconclusive})`;
  const [low, high] = proportion.ci;
  return `${percent(proportion.rate)} [${(low * 100).toFixed(1)}–${(high * 100).toFixed(1)}] (${proportion.k}/${proportion.n}${inconclusive})`;
}

export function formatDifference(diff: number | null, ci: readonly [number, number]): string {
  if (diff === null) return "–";
  const points = (value: number) => `${value >= 0 ? "+" : ""}${(value * 100).toFixed(1)}`;
  return `${points(diff)} pts [${points(ci[0])}, ${points(ci[1])}]`;
}

export function formatP(p: number): string {
  if (p < 0.001) return "< 0.001";
  return p.toFixed(3);
}
