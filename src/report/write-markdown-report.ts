import type { RunAnalysis } from "./analyze-run.ts";
import {
  agreementTable,
  armTables,
  comparisonTable,
  factorEffectTables,
  METHOD_NOTES,
  persistenceTable,
  runFacts,
  SIMULATED_NOTICE,
  type Table,
  usageTable,
} from "./report-sections.ts";

export function renderMarkdownReport(analysis: RunAnalysis): string {
  const lines = [`# ${escapeMarkdown(analysis.metadata.title)}`, ""];
  if (analysis.metadata.simulated) lines.push(`> **${SIMULATED_NOTICE}**`, "");
  for (const [name, value] of runFacts(analysis))
    lines.push(`- **${name}:** ${escapeMarkdown(value)}`);
  lines.push("", "## Arms at follow-up 1", "");
  for (const table of armTables(analysis, 1)) lines.push(...markdownTable(table));
  lines.push(...markdownTable(comparisonTable(analysis.comparisons, 1)));
  const persistence = persistenceTable(analysis);
  if (persistence) lines.push("## Persistence over follow-ups", "", ...markdownTable(persistence));
  if (analysis.errors.length > 0) {
    lines.push("## Errors", "", "Errored trials are left out of every rate.", "");
    for (const error of analysis.errors)
      lines.push(`- ${error.subject} · ${error.scenario}: ${error.count}`);
    lines.push("");
  }
  const agreement = agreementTable(analysis);
  if (agreement) lines.push("## Judge agreement", "", ...markdownTable(agreement));
  lines.push("## Factor effects", "");
  for (const table of factorEffectTables(analysis)) lines.push(...markdownTable(table));
  lines.push("## Tokens and cost", "", ...markdownTable(usageTable(analysis)));
  lines.push("## Methods", "", ...METHOD_NOTES.map((note) => `- ${note}`), "");
  return lines.join("\n");
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
  ];
}

/**
 * Keeps names from breaking tables or turning into markup or HTML. Brackets and underscores stay
 * as they are: intervals read `[26.8–64.7]` and metric names hold `_`, and neither forms markup here.
 */
function escapeMarkdown(text: string): string {
  return text.replace(/[|\\<>*`]/g, (character) => `\\${character}`).replace(/\r?\n/g, " ");
}
