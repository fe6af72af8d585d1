import type { TopLevelSpec } from "vega-lite";
import { describeFactors } from "../format.ts";

/** Compiles a Vega-Lite spec and renders it to SVG offline; vega escapes every label it draws. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Loaded here, not at the top: vega takes most of a second to import and only reports need it.
  const [vega, { compile }] = await Promise.all([import("vega"), import("vega-lite")]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  return view.toSVG();
}

/** A design cell's label in short lines (split again by the axis's or header's labelExpr). */
export function cellLabel(cell: {
  subject: string;
  scenario: string;
  factors: Record<string, string>;
}): string {
  return [cell.subject, cell.scenario, describeFactors(cell.factors)].filter(Boolean).join("|");
}

/** Rows tall enough for the most lines any of their labels has. */
export function rowHeight(labels: readonly string[]): number {
  const lines = Math.max(1, ...labels.map((label) => label.split("|").length));
  return Math.max(20, 13 * lines + 6);
}

/**
 * Row headers above each row of panels: whole labels (never cut), one line per part. Above, not
 * beside: a header beside the panels is as wide as its label before the split.
 */
export const MULTILINE_HEADER = {
  labelOrient: "top",
  labelAnchor: "start",
  labelAngle: 0,
  labelAlign: "left",
  labelLimit: 0,
  labelFontSize: 11,
  labelFontWeight: "bold",
  labelExpr: "split(datum.label, '|')",
} as const;

/** Row labels on an axis: whole (never cut), one line per part. */
export const MULTILINE_AXIS = {
  labelLimit: 0,
  labelFontSize: 11,
  labelExpr: "split(datum.label, '|')",
} as const;

/** A difference of rates in points, signed. */
export const DIFFERENCE_AXIS = { format: "+%", values: [-1, -0.5, 0, 0.5, 1] };

/** Shared look; no text is ever cut short (a label limit of 0 means none). */
export const CHART_CONFIG = {
  font: "sans-serif",
  view: { stroke: "#bbb" },
  axis: { labelLimit: 0, titleLimit: 0 },
  legend: { labelLimit: 0, titleLimit: 0 },
  header: { labelLimit: 0 },
  title: { limit: 0 },
} as const;

/** The widest a figure may be: the report's column (1100 px less its padding). */
export const MAX_FIGURE_WIDTH = 1060;

export function chartTitle(title: string, simulated: boolean): string {
  return simulated ? `${title} — SIMULATED SUBJECT, not a real model` : title;
}

/** Arms in a fixed order with greys dark enough to tell apart on white, print included. */
export const ARM_SCALE = {
  domain: ["refusal", "rebuttal", "natural", "control"],
  range: ["#000000", "#555555", "#8c8c8c", "#b5b5b5"],
};
