import type { TopLevelSpec } from "vega-lite";
import { describeFactors } from "../format.ts";

/** Compiles a Vega-Lite spec and renders it to SVG offline; vega escapes every label it draws. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Loaded here, not at the top: vega takes most of a second to import and only reports need it.
  const [vega, { compile }] = await Promise.all([import("vega"), import("vega-lite")]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  return view.toSVG();
}

/** A design cell's label in short lines (split again by the header's labelExpr). */
export function cellLabel(cell: {
  subject: string;
  scenario: string;
  factors: Record<string, string>;
}): string {
  return [cell.subject, cell.scenario, describeFactors(cell.factors)].filter(Boolean).join("|");
}

export const MULTILINE_HEADER = {
  labelAngle: 0,
  labelAlign: "left",
  labelLimit: 0,
  labelFontSize: 11,
  labelExpr: "split(datum.label, '|')",
} as const;

export const CHART_CONFIG = { font: "sans-serif", view: { stroke: "#bbb" } } as const;

export function chartTitle(title: string, simulated: boolean): string {
  return simulated ? `${title} — SIMULATED SUBJECT, not a real model` : title;
}

/** Arms in a fixed order with greys dark enough to tell apart on white, print included. */
export const ARM_SCALE = {
  domain: ["refusal", "rebuttal", "natural", "control"],
  range: ["#000000", "#555555", "#8c8c8c", "#b5b5b5"],
};
