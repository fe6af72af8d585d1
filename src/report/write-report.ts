import { randomBytes } from "node:crypto";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { runLockHolder } from "../store/run-lock.ts";
import type { RunStore } from "../store/run-store.ts";
import { RUN_VERDICT_SET } from "../store/run-store.ts";
import { type VerdictSetCoverage, verdictSetCoverage } from "../store/write-verdict-set.ts";
import type { PAdjustment } from "./analyze-run.ts";
import type { FIGURE_FILES } from "./charts/figures.ts";
import { describeRunCompletion } from "./run-completion.ts";

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
  // Loaded here, not at the top: the statistics and renderers are a quarter of a second of start-up
  // that `candor run` would otherwise spend before its first request.
  const [{ analyzeRun }, { FIGURE_FILES, renderFigures }, { renderHtmlReport }, markdown] =
    await Promise.all([
      import("./analyze-run.ts"),
      import("./charts/figures.ts"),
      import("./write-html-report.ts"),
      import("./write-markdown-report.ts"),
    ]);
  const analysis = analyzeRun(store, options);
  const coverage = verdictSetCoverage(store.database, analysis.verdict_set, RUN_VERDICT_SET);
  // A set cut short says so wherever its name is shown.
  const shown = coverage.complete
    ? analysis
    : { ...analysis, verdict_set: `${analysis.verdict_set} ${describePartialSet(coverage)}` };
  const suffix =
    analysis.verdict_set === RUN_VERDICT_SET ? "" : `-${safeName(analysis.verdict_set)}`;
  const markdownPath = join(store.directory, `report${suffix}.md`);
  const htmlPath = join(store.directory, `report${suffix}.html`);
  const figures = await renderFigures(shown);
  const files = Object.fromEntries(
    Object.entries(FIGURE_FILES).map(([name, file]) => [
      name,
      file.replace(/\.svg$/, `${suffix}.svg`),
    ]),
  ) as typeof FIGURE_FILES;
  // Figures first: the reports that show them appear only once they are whole.
  for (const [name, svg] of Object.entries(figures) as Array<[keyof typeof FIGURE_FILES, string]>) {
    if (svg) writeFileAtomically(join(store.directory, files[name]), svg);
  }
  const holder = runLockHolder(store.directory);
  const banner = describeRunCompletion({
    status: analysis.status,
    stop: analysis.metadata.stop ?? null,
    writing: holder !== undefined && holder.pid !== process.pid,
    directory: store.directory,
  });
  writeFileAtomically(markdownPath, markdown.renderMarkdownReport(shown, figures, files, banner));
  writeFileAtomically(htmlPath, await renderHtmlReport(shown, figures, banner));
  return { analysis, coverage, markdownPath, htmlPath };
}

/** "(PARTIAL: covers 12 of the run's 240 judged trials; …)" for a set that lacks trials. */
export function describePartialSet(coverage: VerdictSetCoverage): string {
  return `(PARTIAL: covers ${coverage.trials} of the run's ${coverage.of} judged trials; finish it with candor judge RUN --set ${coverage.verdict_set})`;
}

/** Verdict-set names are identifiers already; this keeps a file name safe whatever they become. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, "_");
}

/**
 * Writes a file whole or not at all: into a temporary file beside it, then renamed over it, so a
 * full disk or a kill leaves the old file (or none), never a truncated one. A failure names the file.
 */
export function writeFileAtomically(
  path: string,
  content: string,
  write: (file: string, content: string) => void = (file, text) =>
    writeFileSync(file, text, { flag: "wx" }),
): void {
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  try {
    write(temporary, content);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`could not write ${path}: ${reason}`);
  }
}
