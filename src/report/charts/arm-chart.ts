import type { TopLevelSpec } from "vega-lite";
import type { Cell } from "../analyze-run.ts";
import {
  ARM_SCALE,
  CHART_CONFIG,
  cellLabel,
  chartTitle,
  MULTILINE_HEADER,
  renderSvg,
} from "./render-svg.ts";

const METRIC_TITLES = {
  undesired: "Undesired output",
  deception: "Reason-based deception",
} as const;

/** Grouped bars: each arm's rate at follow-up 1 with its 95% Wilson whisker, one row per cell. */
export async function renderArmChart(cells: readonly Cell[], simulated: boolean): Promise<string> {
  const values = cells
    .filter((cell) => cell.followup === 1)
    .flatMap((cell) =>
      (Object.keys(METRIC_TITLES) as Array<keyof typeof METRIC_TITLES>).map((metric) => ({
        panel: cellLabel(cell),
        metric: METRIC_TITLES[metric],
        arm: cell.arm,
        rate: cell[metric].rate ?? 0,
        low: cell[metric].ci[0],
        high: cell[metric].ci[1],
        // The counts behind the bar, inconclusive verdicts included: they are outside n.
        counts: `${cell[metric].k}/${cell[metric].n}${cell[metric].inconclusive ? ` +${cell[metric].inconclusive} inc.` : ""}`,
      })),
    );
  return values.length === 0 ? "" : renderSvg(armChartSpec(values, simulated));
}

function armChartSpec(values: object[], simulated: boolean): TopLevelSpec {
  const rate = {
    type: "quantitative" as const,
    scale: { domain: [0, 1] },
    axis: { format: "%", title: "Rate at follow-up 1 (95% CI)" },
  };
  return {
    title: chartTitle("Arms at follow-up 1", simulated),
    data: { values },
    spacing: { column: 90 },
    facet: {
      row: { field: "panel", type: "nominal", title: null, header: MULTILINE_HEADER },
      column: { field: "metric", type: "nominal", title: null, sort: Object.values(METRIC_TITLES) },
    },
    spec: {
      width: 220,
      height: { step: 14 },
      layer: [
        {
          mark: { type: "bar", stroke: "#222", strokeWidth: 0.5 },
          encoding: {
            y: { field: "arm", type: "nominal", title: null, sort: null },
            x: { field: "rate", ...rate },
            fill: { field: "arm", type: "nominal", scale: ARM_SCALE, legend: null },
          },
        },
        {
          mark: { type: "text", align: "left", dx: 4, fontSize: 9, color: "#000" },
          encoding: {
            y: { field: "arm", type: "nominal", sort: null },
            x: { datum: 1, type: "quantitative", scale: { domain: [0, 1] } },
            text: { field: "counts" },
          },
        },
        {
          mark: { type: "rule", color: "#000" },
          encoding: {
            y: { field: "arm", type: "nominal", sort: null },
            x: { field: "low", ...rate },
            x2: { field: "high" },
          },
        },
      ],
    },
    config: CHART_CONFIG,
  };
}
