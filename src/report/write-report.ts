import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunStore } from "../store/run-store.ts";
import { RUN_VERDICT_SET } from "../store/run-store.ts";
import { analyzeRun, type PAdjustment } from "./analyze-run.ts";
import { FIGURE_FILES, renderFigures } from "./charts/figures.ts";
import { renderHtmlReport } from "./write-html-report.ts";
import { renderMarkdownReport } from "./write-markdown-report.ts";

export type ReportFormat = "md" | "html" | "json";

/**
 * Writes report.md, report.html and the figures as SVG into the run directory. A report from
 * another verdict set (`candor judge --set NAME`) goes to files of its own, `report-NAME.md` and
 * so on, and leaves the run's main report as it was.
 */
export async function writeReport(
  store: RunStore,
  options: { adjustment?: PAdjustment; verdictSet?: string } = {},
) {
  const analysis = analyzeRun(store, options);
  const suffix =
    analysis.verdict_set === RUN_VERDICT_SET ? "" : `-${safeName(analysis.verdict_set)}`;
  const markdownPath = join(store.directory, `report${suffix}.md`);
  const htmlPath = join(store.directory, `report${suffix}.html`);
  const figures = await renderFigures(analysis);
  const files = Object.fromEntries(
    Object.entries(FIGURE_FILES).map(([name, file]) => [
      name,
      file.replace(/\.svg$/, `${suffix}.svg`),
    ]),
  ) as typeof FIGURE_FILES;
  writeFileSync(markdownPath, renderMarkdownReport(analysis, figures, files));
  writeFileSync(htmlPath, await renderHtmlReport(analysis, figures));
  for (const [name, svg] of Object.entries(figures) as Array<[keyof typeof FIGURE_FILES, string]>) {
    if (svg) writeFileSync(join(store.directory, files[name]), svg);
  }
  return { analysis, markdownPath, htmlPath };
}

/** Verdict-set names are identifiers already; this keeps a file name safe whatever they become. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, "_");
}
