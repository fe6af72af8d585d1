import type { RunAnalysis } from "./analyze-run.ts";
import { type Figures, renderFigures } from "./charts/figures.ts";
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

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#111}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left}
th{background:#eee}caption{text-align:left;font-weight:600;padding:.25rem 0}
.simulated{border:3px solid #000;background:#f3f3f3;padding:.75rem 1rem;font-weight:700}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem}dt{font-weight:600}
figure{margin:1rem 0;overflow-x:auto}`;

/** A single self-contained file: inline style, an inline SVG chart, no script, no remote asset. */
export async function renderHtmlReport(analysis: RunAnalysis, figures?: Figures): Promise<string> {
  const { metadata } = analysis;
  const {
    arms,
    persistence: persistenceFigure,
    forest,
  } = figures ?? (await renderFigures(analysis));
  const persistence = persistenceTable(analysis);
  const body = [
    `<h1>${escapeHtml(metadata.title)}</h1>`,
    metadata.simulated ? `<p class="simulated">${escapeHtml(SIMULATED_NOTICE)}</p>` : "",
    `<dl>${runFacts(analysis)
      .map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd>`)
      .join("")}</dl>`,
    "<h2>Arms at follow-up 1</h2>",
    figure(arms),
    ...armTables(analysis, 1).map(htmlTable),
    htmlTable(comparisonTable(analysis.comparisons, 1)),
    figure(forest),
    persistence
      ? `<h2>Persistence over follow-ups</h2>${figure(persistenceFigure)}${htmlTable(persistence)}`
      : "",
    errorsSection(analysis),
    agreementSection(analysis),
    `<h2>Factor effects</h2>${factorEffectTables(analysis).map(htmlTable).join("")}`,
    `<h2>Tokens and cost</h2>${htmlTable(usageTable(analysis))}`,
    `<h2>Methods</h2><ul>${METHOD_NOTES.map((note) => `<li>${escapeHtml(note)}</li>`).join("")}</ul>`,
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(metadata.title)} — candor report</title><style>${STYLE}</style></head>
<body>${body.join("\n")}</body></html>
`;
}

function agreementSection(analysis: RunAnalysis): string {
  const table = agreementTable(analysis);
  return table ? `<h2>Judge agreement</h2>${htmlTable(table)}` : "";
}

function figure(svg: string): string {
  return svg ? `<figure>${svg}</figure>` : "";
}

function htmlTable(table: Table): string {
  const cells = (tag: string, row: readonly string[]) =>
    row.map((cell) => `<${tag}>${escapeHtml(cell)}</${tag}>`).join("");
  return `<table><caption>${escapeHtml(table.caption)}</caption><thead><tr>${cells("th", table.header)}</tr></thead><tbody>${table.rows
    .map((row) => `<tr>${cells("td", row)}</tr>`)
    .join("")}</tbody></table>`;
}

function errorsSection(analysis: RunAnalysis): string {
  if (analysis.errors.length === 0) return "";
  const items = analysis.errors.map(
    (error) => `<li>${escapeHtml(`${error.subject} · ${error.scenario}: ${error.count}`)}</li>`,
  );
  return `<h2>Errors</h2><p>Errored trials are left out of every rate.</p><ul>${items.join("")}</ul>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
