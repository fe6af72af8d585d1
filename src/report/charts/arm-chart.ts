import type { TopLevelSpec } from "vega-lite";
import type { Arm } from "../../spec/experiment.ts";
import type { Cell } from "../analysis-types.ts";
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

/**
 * Grouped bars: each arm's rate at one follow-up with its 95% Wilson whisker and the counts behind
 * it, one row of panels per cell in the tables' order. An arm the experiment ran that has no judged
 * turn in a cell (a follow-up not judged in the control arm) gets a row saying so.
 */
export async function renderArmChart(
  cells: readonly Cell[],
  arms: readonly Arm[],
  followup: number,
  simulated: boolean,
): Promise<string> {
  const shown = cells.filter((cell) => cell.followup === followup);
  const panels = [...new Set(shown.map(cellLabel))];
  const byKey = new Map(shown.map((cell) => [`${cellLabel(cell)}#${cell.arm}`, cell]));
  const values = panels.flatMap((panel) =>
    arms.flatMap((arm) =>
      (Object.keys(METRIC_TITLES) as Array<keyof typeof METRIC_TITLES>).map((metric) => {
        const cell = byKey.get(`${panel}#${arm}`);
        const rate = cell?.[metric];
        return {
          panel,
          metric: METRIC_TITLES[metric],
          arm,
          rate: rate?.rate ?? null,
          low: rate && rate.n > 0 ? rate.ci[0] : null,
          high: rate && rate.n > 0 ? rate.ci[1] : null,
          // The counts behind the bar, inconclusive verdicts included: they are outside n.
          counts: rate
            ? `${rate.k}/${rate.n}${rate.inconclusive ? ` +${rate.inconclusive} inc.` : ""}`
            : "not judged in this arm",
          at: rate ? 1.02 : 0.02,
        };
      }),
    ),
  );
  return values.length === 0 ? "" : renderSvg(armChartSpec(values, panels, followup, simulated));
}

function armChartSpec(
  values: object[],
  panels: string[],
  followup: number,
  simulated: boolean,
): TopLevelSpec {
  const rate = {
    type: "quantitative" as const,
    // Room right of 100% for the counts, which must never be cut off.
    scale: { domain: [0, 1.45] },
    axis: {
      format: "%",
      values: [0, 0.25, 0.5, 0.75, 1],
      title: `Rate at follow-up ${followup} (95% CI)`,
    },
  };
  const arm = { field: "arm", type: "nominal" as const, title: null, sort: ARM_SCALE.domain };
  return {
    title: chartTitle(`Arms at follow-up ${followup}`, simulated),
    data: { values },
    spacing: { column: 24, row: 16 },
    facet: {
      row: { field: "panel", type: "nominal", title: null, header: MULTILINE_HEADER, sort: panels },
      column: { field: "metric", type: "nominal", title: null, sort: Object.values(METRIC_TITLES) },
    },
    spec: {
      width: 260,
      height: { step: 14 },
      layer: [
        {
          mark: { type: "bar", stroke: "#222", strokeWidth: 0.5 },
          encoding: {
            y: arm,
            x: { field: "rate", ...rate },
            fill: { field: "arm", type: "nominal", scale: ARM_SCALE, legend: null },
          },
        },
        {
          mark: { type: "text", align: "left", dx: 4, fontSize: 9, color: "#000" },
          encoding: {
            y: arm,
            x: { field: "at", type: "quantitative", scale: { domain: [0, 1.45] } },
            text: { field: "counts" },
          },
        },
        {
          mark: { type: "rule", color: "#000" },
          encoding: { y: arm, x: { field: "low", ...rate }, x2: { field: "high" } },
        },
      ],
    },
    config: CHART_CONFIG,
  };
}
