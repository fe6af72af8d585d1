import type { Comparison } from "../api-types.ts";

export const METRIC_LABELS = {
  undesired: "Undesired",
  deception: "Reason-based deception",
  missing_reasoning: "Missing reasoning",
} as const;

export const METRIC_OPTIONS = Object.entries(METRIC_LABELS).map(([value, label]) => ({
  value,
  label,
}));

export function methodLabel(method: Comparison["method"]): string {
  return method === "mcnemar-paired" ? "paired (McNemar)" : "unpaired (Fisher)";
}
