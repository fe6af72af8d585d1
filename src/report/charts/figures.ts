import type { RunAnalysis } from "../analyze-run.ts";
import { renderArmChart } from "./arm-chart.ts";
import { renderForestPlot } from "./forest-plot.ts";
import { renderPersistenceChart } from "./persistence-chart.ts";

/** The report's figures as SVG text; an empty string where a figure has nothing to show. */
export interface Figures {
  arms: string;
  persistence: string;
  forest: string;
}

/** File names the figures are written under, beside report.html. */
export const FIGURE_FILES: Record<keyof Figures, string> = {
  arms: "figure-arms.svg",
  persistence: "figure-persistence.svg",
  forest: "figure-refusal-minus-rebuttal.svg",
};

export async function renderFigures(analysis: RunAnalysis): Promise<Figures> {
  const simulated = analysis.metadata.simulated;
  const [arms, persistence, forest] = await Promise.all([
    renderArmChart(analysis.cells, simulated),
    renderPersistenceChart(analysis.cells, simulated),
    renderForestPlot(analysis.comparisons, simulated),
  ]);
  return { arms, persistence, forest };
}
