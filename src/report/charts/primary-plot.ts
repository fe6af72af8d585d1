import type { TopLevelSpec } from "vega-lite";
import type { PrimaryAnalysis, PrimaryEstimate } from "../analysis-types.ts";
import {
  CHART_CONFIG,
  chartTitle,
  DIFFERENCE_AXIS,
  MULTILINE_AXIS,
  renderSvg,
  rowHeight,
} from "./render-svg.ts";

/**
 * The headline figure: the primary contrast's Mantel–Haenszel risk difference per subject and
 * scenario and pooled over each subject's scenarios, with 95% intervals, in the table's order.
 * Rows without an estimate are drawn with the reason instead of a point.
 */
export async function renderPrimaryPlot(
  primary: PrimaryAnalysis,
  simulated: boolean,
): Promise<string> {
  const rows = [...primary.by_scenario, ...primary.pooled];
  if (rows.length === 0) return "";
  const values = rows.map((row) => ({
    row: rowLabel(row),
    kind: row.scenario === null ? "pooled over scenarios" : "one scenario",
    diff: row.mh_risk_difference,
    low: row.mh_risk_difference_ci?.[0] ?? null,
    high: row.mh_risk_difference_ci?.[1] ?? null,
    note: row.mh_risk_difference === null ? "no estimate (too few decided turns)" : "",
  }));
  return renderSvg(primarySpec(values, primary, simulated));
}

function rowLabel(row: PrimaryEstimate): string {
  return `${row.subject}|${row.scenario ?? "all scenarios (pooled)"}`;
}

function primarySpec(
  values: Array<{ row: string }>,
  primary: PrimaryAnalysis,
  simulated: boolean,
): TopLevelSpec {
  const [a, b] = primary.contrast;
  const order = values.map((value) => value.row);
  const y = {
    field: "row",
    type: "nominal" as const,
    title: null,
    sort: order,
    axis: MULTILINE_AXIS,
  };
  const difference = {
    type: "quantitative" as const,
    scale: { domain: [-1, 1] },
    axis: {
      ...DIFFERENCE_AXIS,
      title: `${a} − ${b}: ${primary.metric} at follow-up ${primary.followup} (Mantel–Haenszel, 95% CI)`,
    },
  };
  return {
    title: chartTitle("Primary analysis", simulated),
    data: { values },
    width: 460,
    height: { step: rowHeight(order) },
    layer: [
      {
        mark: { type: "rule", color: "#000" },
        encoding: { y, x: { field: "low", ...difference }, x2: { field: "high" } },
      },
      {
        mark: { type: "point", filled: true, color: "#000", size: 60 },
        encoding: {
          y,
          x: { field: "diff", ...difference },
          shape: {
            field: "kind",
            type: "nominal",
            title: null,
            scale: {
              domain: ["one scenario", "pooled over scenarios"],
              range: ["circle", "diamond"],
            },
            legend: { orient: "bottom" },
          },
        },
      },
      {
        mark: { type: "text", align: "left", dx: 4, fontSize: 10, color: "#444" },
        encoding: { y, x: { datum: -1, type: "quantitative" }, text: { field: "note" } },
      },
      {
        mark: { type: "rule", strokeDash: [4, 3], color: "#777" },
        encoding: { x: { datum: 0, type: "quantitative" } },
      },
    ],
    config: CHART_CONFIG,
  };
}
