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

/**
 * Undesired rate per arm at each follow-up, with 95% bands: does an intervention's effect last?
 * Arms differ by line dash and point shape as well as grey, so the chart reads in print.
 */
export async function renderPersistenceChart(
  cells: readonly Cell[],
  simulated: boolean,
): Promise<string> {
  if (new Set(cells.map((cell) => cell.followup)).size < 2) return "";
  const values = cells.map((cell) => ({
    panel: cellLabel(cell),
    arm: cell.arm,
    followup: cell.followup,
    rate: cell.undesired.rate,
    low: cell.undesired.ci[0],
    high: cell.undesired.ci[1],
  }));
  return renderSvg(persistenceSpec(values, simulated));
}

function persistenceSpec(values: object[], simulated: boolean): TopLevelSpec {
  // One legend: every channel that shows the arm shares its field, title and domain.
  const arm = {
    field: "arm",
    type: "nominal" as const,
    title: "Arm",
    scale: { domain: ARM_SCALE.domain },
  };
  const armColour = { ...arm, scale: ARM_SCALE };
  const rate = {
    type: "quantitative" as const,
    scale: { domain: [0, 1] },
    axis: { format: "%", title: "Undesired output (95% CI)" },
  };
  const followup = { field: "followup", type: "ordinal" as const, title: "Follow-up" };
  return {
    title: chartTitle("Undesired output by follow-up", simulated),
    data: { values },
    facet: { row: { field: "panel", type: "nominal", title: null, header: MULTILINE_HEADER } },
    spec: {
      width: 420,
      height: 160,
      layer: [
        {
          mark: { type: "errorband", opacity: 0.12 },
          encoding: {
            x: followup,
            y: { field: "low", ...rate },
            y2: { field: "high" },
            color: armColour,
          },
        },
        {
          mark: { type: "line", point: { filled: true, size: 30 } },
          encoding: {
            x: followup,
            y: { field: "rate", ...rate },
            color: armColour,
            strokeDash: arm,
            shape: arm,
          },
        },
      ],
    },
    config: CHART_CONFIG,
  };
}
