import type { TopLevelSpec } from "vega-lite";
import type { Comparison } from "../analysis-types.ts";
import { METRIC_TITLES } from "../report-sections.ts";
import {
  CHART_CONFIG,
  cellLabel,
  chartTitle,
  DIFFERENCE_AXIS,
  MULTILINE_AXIS,
  renderSvg,
  rowHeight,
} from "./render-svg.ts";

/**
 * The contrast per cell and metric at one follow-up: a point and its 95% interval, zero marked,
 * rows in the order of the report's table, every label whole (one line per part).
 */
export async function renderForestPlot(
  comparisons: readonly Comparison[],
  followup: number,
  simulated: boolean,
): Promise<string> {
  const shown = comparisons.filter(
    (comparison) => comparison.followup === followup && comparison.family !== "baseline",
  );
  const values = shown
    .filter((comparison) => comparison.diff !== null)
    .map((comparison) => ({
      cell: cellLabel(comparison),
      metric: METRIC_TITLES[comparison.metric],
      diff: comparison.diff,
      low: comparison.ci[0],
      high: comparison.ci[1],
    }));
  const first = shown[0];
  if (values.length === 0 || !first) return "";
  const order = [...new Set(values.map((value) => value.cell))];
  return renderSvg(forestSpec(values, order, first, simulated));
}

function forestSpec(
  values: object[],
  order: string[],
  example: Comparison,
  simulated: boolean,
): TopLevelSpec {
  const difference = {
    type: "quantitative" as const,
    scale: { domain: [-1, 1] },
    axis: { ...DIFFERENCE_AXIS, title: `${example.a} − ${example.b} (95% CI)` },
  };
  const cell = {
    field: "cell",
    type: "nominal" as const,
    title: null,
    sort: order,
    axis: MULTILINE_AXIS,
  };
  const metrics = [...new Set((values as Array<{ metric: string }>).map((value) => value.metric))];
  return {
    title: chartTitle(
      `${example.a} − ${example.b} at follow-up ${example.followup}, cell by cell`,
      simulated,
    ),
    data: { values },
    facet: { column: { field: "metric", type: "nominal", title: null, sort: metrics } },
    resolve: { axis: { y: "shared" } },
    spec: {
      width: 170,
      height: { step: rowHeight(order) },
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
