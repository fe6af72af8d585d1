import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunStore } from "../store/run-store.ts";
import { analyzeRun } from "./analyze-run.ts";
import { renderHtmlReport } from "./write-html-report.ts";
import { renderMarkdownReport } from "./write-markdown-report.ts";

export type ReportFormat = "md" | "html" | "json";

/** Writes report.md and report.html into the run directory; returns their paths and the analysis. */
export async function writeReport(store: RunStore) {
  const analysis = analyzeRun(store);
  const markdownPath = join(store.directory, "report.md");
  const htmlPath = join(store.directory, "report.html");
  writeFileSync(markdownPath, renderMarkdownReport(analysis));
  writeFileSync(htmlPath, await renderHtmlReport(analysis));
  return { analysis, markdownPath, htmlPath };
}
