import type { TopLevelSpec } from "vega-lite";
import type { Cell } from "../analysis-types.ts";
import {
  ARM_SCALE,
  CHART_CONFIG,
  cellLabel,
  chartTitle,
  MULTILINE_HEADER,
  renderSvg,
} from "./render-svg.ts";

/** Each arm's line dash, the same in the panels and in the key. */
const ARM_DASHES = [
  [1, 0],
  [6, 3],
  [2, 2],
  [8, 2, 2, 2],
];
const ARM_SHAPES = ["circle", "square", "triangle-up", "diamond"];

/**
 * Undesired rate per arm at each follow-up (0: the model's own reply at the intervention point),
 * with 95% bands: does an intervention's effect last? Arms differ by grey, line dash and marker,
 * and the key draws all three for each arm, so the chart reads in print.
 */
export async function renderPersistenceChart(
  cells: readonly Cell[],
  simulated: boolean,
): Promise<string> {
  if (new Set(cells.filter((cell) => cell.followup >= 1).map((cell) => cell.followup)).size < 2)
    return "";
  const values = cells.map((cell) => ({
    panel: cellLabel(cell),
    arm: cell.arm,
    followup: cell.followup,
    rate: cell.undesired.rate,
    low: cell.undesired.ci[0],
    high: cell.undesired.ci[1],
  }));
  const panels = [...new Set(values.map((value) => value.panel))];
  const arms = ARM_SCALE.domain.filter((arm) => values.some((value) => value.arm === arm));
  return renderSvg(persistenceSpec(values, panels, arms, simulated));
}

function persistenceSpec(
  values: object[],
  panels: string[],
  arms: string[],
  simulated: boolean,
): TopLevelSpec {
  const scale = (range: unknown[]) => ({ domain: ARM_SCALE.domain, range });
  const arm = { field: "arm", type: "nominal" as const, legend: null };
  const armStyle = {
    color: { ...arm, scale: ARM_SCALE },
    strokeDash: { ...arm, scale: scale(ARM_DASHES) },
  };
  const armShape = { ...arm, scale: scale(ARM_SHAPES) };
  const rate = {
    type: "quantitative" as const,
    scale: { domain: [0, 1] },
    axis: { format: "%", title: "Undesired output (95% CI)" },
  };
  const followup = { field: "followup", type: "ordinal" as const, title: "Follow-up" };
  return {
    title: chartTitle("Undesired output by follow-up", simulated),
    hconcat: [
      {
        data: { values },
        facet: {
          row: {
            field: "panel",
            type: "nominal",
            title: null,
            header: MULTILINE_HEADER,
            sort: panels,
          },
        },
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
                color: armStyle.color,
              },
            },
            {
              mark: { type: "line", point: { filled: true, size: 36 } },
              encoding: {
                x: followup,
                y: { field: "rate", ...rate },
                ...armStyle,
                shape: armShape,
              },
            },
          ],
        },
      },
      armKey(arms, armStyle, armShape),
    ],
    config: CHART_CONFIG,
  };
}

/** The key: per arm a short line in its dash and grey, its marker on it, and its name. */
type ConcatenatedView = Extract<TopLevelSpec, { hconcat: unknown }>["hconcat"][number];

function armKey(arms: string[], armStyle: object, armShape: object): ConcatenatedView {
  const y = { field: "arm", type: "nominal" as const, sort: arms, axis: null };
  const x = (value: number) => ({
    datum: value,
    type: "quantitative" as const,
    scale: { domain: [0, 3] },
    axis: null,
  });
  return {
    title: "Arm",
    data: { values: arms.map((name) => ({ arm: name })) },
    width: 110,
    height: { step: 20 },
    view: { stroke: null },
    layer: [
      {
        mark: { type: "rule", strokeWidth: 2 },
        encoding: { y, x: x(0), x2: { datum: 1 }, ...armStyle },
      },
      {
        mark: { type: "point", filled: true, size: 36 },
        encoding: { y, x: x(0.5), ...armStyle, shape: armShape },
      },
      {
        mark: { type: "text", align: "left", fontSize: 11 },
        encoding: { y, x: x(1.2), text: { field: "arm" } },
      },
    ],
  };
}
