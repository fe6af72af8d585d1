import type { TopLevelSpec } from "vega-lite";
import type { Cell } from "./analyze-run.ts";
import { describeFactors } from "./format.ts";

const METRIC_TITLES = {
  undesired: "Undesired output",
  deception: "Reason-based deception",
} as const;

/**
 * Rates per arm with 95% Wilson whiskers, one row per design cell, rendered offline to SVG.
 * Grey fills and labelled axes keep it readable in print; vega escapes every label it draws.
 */
export async function renderArmChart(cells: readonly Cell[], simulated: boolean): Promise<string> {
  const values = cells
    .filter((cell) => cell.followup === 1)
    .flatMap((cell) =>
      (Object.keys(METRIC_TITLES) as Array<keyof typeof METRIC_TITLES>).map((metric) => ({
        // Short lines (split again in the header's labelExpr) fit where one long line is cut off.
        panel: [cell.subject, cell.scenario, describeFactors(cell.factors)]
          .filter(Boolean)
          .join("|"),
        metric: METRIC_TITLES[metric],
        arm: cell.arm,
        rate: cell[metric].rate ?? 0,
        low: cell[metric].ci[0],
        high: cell[metric].ci[1],
      })),
    );
  if (values.length === 0) return "";
  // Loaded here, not at the top: vega takes most of a second to import and only reports need it.
  const [vega, { compile }] = await Promise.all([import("vega"), import("vega-lite")]);
  const view = new vega.View(vega.parse(compile(chartSpec(values, simulated)).spec), {
    renderer: "none",
  });
  return view.toSVG();
}

function chartSpec(values: object[], simulated: boolean): TopLevelSpec {
  const rate = {
    type: "quantitative" as const,
    scale: { domain: [0, 1] },
    axis: { format: "%", title: "Rate at follow-up 1 (95% CI)" },
  };
  return {
    title: simulated
      ? "Arms at follow-up 1 — SIMULATED SUBJECT, not a real model"
      : "Arms at follow-up 1",
    data: { values },
    facet: {
      row: {
        field: "panel",
        type: "nominal",
        title: null,
        header: {
          labelAngle: 0,
          labelAlign: "left",
          labelLimit: 0,
          labelFontSize: 11,
          labelExpr: "split(datum.label, '|')",
        },
      },
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
            fill: { field: "arm", type: "nominal", scale: { scheme: "greys" }, legend: null },
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
    config: { font: "sans-serif", view: { stroke: "#bbb" } },
  };
}
