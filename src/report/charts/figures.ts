import type { Arm } from "../../spec/experiment.ts";
import type { RunAnalysis } from "../analysis-types.ts";
import { shownFollowup } from "../report-sections.ts";
import { renderArmChart } from "./arm-chart.ts";
import { renderForestPlot } from "./forest-plot.ts";
import { renderPersistenceChart } from "./persistence-chart.ts";
import { renderPrimaryPlot } from "./primary-plot.ts";

/** The report's figures as SVG text; an empty string where a figure has nothing to show. */
export interface Figures {
  primary: string;
  arms: string;
  persistence: string;
  forest: string;
}

/** File names the figures are written under, beside report.html. */
export const FIGURE_FILES: Record<keyof Figures, string> = {
  primary: "figure-primary.svg",
  arms: "figure-arms.svg",
  persistence: "figure-persistence.svg",
  forest: "figure-contrast-by-cell.svg",
};

export async function renderFigures(analysis: RunAnalysis): Promise<Figures> {
  const simulated = analysis.metadata.simulated;
  const arms = ((analysis.metadata.experiment as { arms?: Arm[] }).arms ?? []) as Arm[];
  const followup = shownFollowup(analysis);
  const [primary, armsFigure, persistence, forest] = await Promise.all([
    renderPrimaryPlot(analysis.primary, simulated),
    renderArmChart(analysis.cells, arms, followup, simulated),
    renderPersistenceChart(analysis.cells, simulated),
    renderForestPlot(analysis.comparisons, followup, simulated),
  ]);
  return { primary, arms: armsFigure, persistence, forest };
}
