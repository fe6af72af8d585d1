import type { TopLevelSpec } from "vega-lite";
import type { Comparison } from "../analyze-run.ts";
import { CHART_CONFIG, cellLabel, chartTitle, renderSvg } from "./render-svg.ts";

const METRIC_TITLES: Record<Comparison["metric"], string> = {
  undesired: "Undesired output",
  deception: "Reason-based deception",
  missing_reasoning: "Missing reasoning",
};

/** Refusal minus rebuttal per cell and metric at follow-up 1: a point and its 95% interval, zero marked. */
export async function renderForestPlot(
  comparisons: readonly Comparison[],
  simulated: boolean,
): Promise<string> {
  const values = comparisons
    .filter((comparison) => comparison.followup === 1 && comparison.diff !== null)
    .map((comparison) => ({
      cell: cellLabel(comparison).replaceAll("|", " · "),
      metric: METRIC_TITLES[comparison.metric],
      diff: comparison.diff,
      low: comparison.ci[0],
      high: comparison.ci[1],
    }));
  return values.length === 0 ? "" : renderSvg(forestSpec(values, simulated, comparisons[0]));
}

function forestSpec(
  values: object[],
  simulated: boolean,
  example: Comparison | undefined,
): TopLevelSpec {
  const difference = {
    type: "quantitative" as const,
    scale: { domain: [-1, 1] },
    axis: {
      format: "+%",
      title: `${example?.a ?? "refusal"} − ${example?.b ?? "rebuttal"} (95% CI)`,
    },
  };
  const cell = {
    field: "cell",
    type: "nominal" as const,
    title: null,
    sort: null,
    axis: { labelLimit: 420 },
  };
  return {
    title: chartTitle("Refusal minus rebuttal at follow-up 1", simulated),
    data: { values },
    facet: {
      column: { field: "metric", type: "nominal", title: null, sort: Object.values(METRIC_TITLES) },
    },
    spec: {
      width: 200,
      height: { step: 18 },
      layer: [
        {
          mark: { type: "rule", color: "#000" },
          encoding: { y: cell, x: { field: "low", ...difference }, x2: { field: "high" } },
        },
        {
          mark: { type: "point", filled: true, color: "#000" },
          encoding: { y: cell, x: { field: "diff", ...difference } },
        },
        {
          mark: { type: "rule", strokeDash: [4, 3], color: "#777" },
          encoding: { x: { datum: 0, type: "quantitative" } },
        },
      ],
    },
    config: CHART_CONFIG,
  };
}
