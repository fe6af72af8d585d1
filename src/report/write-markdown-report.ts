import type { RunAnalysis } from "./analysis-types.ts";
import { FIGURE_FILES, type Figures } from "./charts/figures.ts";
import { type Block, reportSections } from "./report-document.ts";
import { runFacts, SIMULATED_NOTICE, type Table } from "./report-sections.ts";
import type { RunCompletion } from "./run-completion.ts";

/** The report in Markdown; figures are linked by file name, the ones that were drawn. */
export function renderMarkdownReport(
  analysis: RunAnalysis,
  figures?: Partial<Figures>,
  files: Record<keyof Figures, string> = FIGURE_FILES,
  banner: RunCompletion | null = null,
): string {
  const lines = [`# ${escapeMarkdown(analysis.metadata.title)}`, ""];
  if (analysis.metadata.simulated) lines.push(`> **${SIMULATED_NOTICE}**`, "");
  if (banner) lines.push(...markdownBanner(banner));
  for (const [name, value] of runFacts(analysis))
    lines.push(`- **${name}:** ${escapeMarkdown(value)}`);
  lines.push("");
  for (const section of reportSections(analysis)) {
    lines.push(`## ${escapeMarkdown(section.heading)}`, "");
    for (const block of section.blocks) {
      if (block.kind === "figure" && !figures?.[block.figure]) continue;
      lines.push(...markdownBlock(block, files));
    }
  }
  return lines.join("\n");
}

/** A run that is not complete says so first: what stopped it and the command that finishes it. */
function markdownBanner(banner: RunCompletion): string[] {
  const finish = banner.command ? ` Finish it with: ${escapeMarkdown(banner.command)}` : "";
  return [
    `> **${escapeMarkdown(banner.headline.toUpperCase())}.** ${escapeMarkdown(banner.detail)}${finish}`,
    "",
  ];
}

function markdownBlock(block: Block, files: Record<keyof Figures, string>): string[] {
  switch (block.kind) {
    case "paragraph":
      return [escapeMarkdown(block.text), ""];
    case "list":
      return [...block.items.map((item) => `- ${escapeMarkdown(item)}`), ""];
    case "table":
      return markdownTable(block.table);
    case "figure":
      return [`![${escapeMarkdown(block.title)}](${files[block.figure]})`, ""];
  }
}

function markdownTable(table: Table): string[] {
  const row = (cells: readonly string[]) => `| ${cells.map(escapeMarkdown).join(" | ")} |`;
  return [
    `**${escapeMarkdown(table.caption)}**`,
    "",
    row(table.header),
    `|${table.header.map(() => " --- ").join("|")}|`,
    ...table.rows.map(row),
    "",
    ...(table.note ? [escapeMarkdown(table.note), ""] : []),
  ];
}

/**
 * Keeps names from breaking tables or turning into markup or HTML. Brackets and underscores stay
 * as they are: intervals read `[26.8–64.7]` and metric names hold `_`, and neither forms markup here.
 */
function escapeMarkdown(text: string): string {
  return text.replace(/[|\\<>*`]/g, (character) => `\\${character}`).replace(/\r?\n/g, " ");
}
