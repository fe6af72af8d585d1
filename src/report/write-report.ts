import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunStore } from "../store/run-store.ts";
import { analyzeRun, type PAdjustment } from "./analyze-run.ts";
import { FIGURE_FILES, renderFigures } from "./charts/figures.ts";
import { renderHtmlReport } from "./write-html-report.ts";
import { renderMarkdownReport } from "./write-markdown-report.ts";

export type ReportFormat = "md" | "html" | "json";

/** Writes report.md, report.html and the figures as SVG into the run directory. */
export async function writeReport(
  store: RunStore,
  options: { adjustment?: PAdjustment; verdictSet?: string } = {},
) {
  const analysis = analyzeRun(store, options);
  const markdownPath = join(store.directory, "report.md");
  const htmlPath = join(store.directory, "report.html");
  writeFileSync(markdownPath, renderMarkdownReport(analysis));
  const figures = await renderFigures(analysis);
  writeFileSync(htmlPath, await renderHtmlReport(analysis, figures));
  for (const [name, svg] of Object.entries(figures) as Array<[keyof typeof FIGURE_FILES, string]>) {
    if (svg) writeFileSync(join(store.directory, FIGURE_FILES[name]), svg);
  }
  return { analysis, markdownPath, htmlPath };
}
