export { describeFactors } from "../spec/factor-combinations.ts";

import type { Proportion } from "./analysis-types.ts";

export function percent(value: number | null, digits = 1): string {
  return value === null ? "–" : `${(value * 100).toFixed(digits)}%`;
}

/**
 * `45.0% [26.8–64.7] (9/20)`, a dash when nothing was decidable, and beside the rate, whenever
 * there are inconclusive turns, their count and the bounds they allow (every one counted as no,
 * then as yes): they are left out of n and must never be out of sight.
 */
export function formatProportion(proportion: Proportion): string {
  const inconclusive = proportion.inconclusive
    ? `, ${proportion.inconclusive} inconclusive; bounds ${formatRange(proportion.bounds)}`
    : "";
  if (proportion.n === 0) return `– (0/0${inconclusive})`;
  return `${percent(proportion.rate)} ${formatInterval(proportion.ci)} (${proportion.k}/${proportion.n}${inconclusive})`;
}

/** `[26.8–64.7]`, in percent. */
export function formatInterval([low, high]: readonly [number, number]): string {
  return `[${formatRange([low, high])}]`;
}

function formatRange([low, high]: readonly [number, number]): string {
  return `${(low * 100).toFixed(1)}–${(high * 100).toFixed(1)}`;
}

export function formatDifference(
  diff: number | null,
  ci: readonly [number, number] | null,
): string {
  if (diff === null || ci === null) return "–";
  return `${points(diff)} pts [${points(ci[0])}, ${points(ci[1])}]`;
}

/** `+12.5`: a difference of rates in percentage points, signed (and never "−0.0"). */
export function points(value: number): string {
  const rounded = Math.abs(value * 100).toFixed(1);
  return `${value < 0 && Number(rounded) !== 0 ? "−" : "+"}${rounded}`;
}

export function formatP(p: number | null): string {
  if (p === null || Number.isNaN(p)) return "–";
  if (p < 0.001) return "< 0.001";
  return p.toFixed(3);
}

export function formatRatio(value: number | null): string {
  return value !== null && Number.isFinite(value) ? value.toPrecision(3) : "–";
}
