import type { RunAnalysis } from "./analysis-types.ts";
import { type Figures, renderFigures } from "./charts/figures.ts";
import { type Block, reportSections } from "./report-document.ts";
import { runFacts, SIMULATED_NOTICE, type Table } from "./report-sections.ts";
import type { RunCompletion } from "./run-completion.ts";

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#111}
table{border-collapse:collapse;margin:.5rem 0 .25rem}th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#eee}caption{text-align:left;font-weight:600;padding:.25rem 0}
p.note{font-size:13px;color:#444;margin:0 0 1.5rem}
.simulated{border:3px solid #000;background:#f3f3f3;padding:.75rem 1rem;font-weight:700}
.run-banner{border:3px solid #a40;background:#fff4e5;padding:.75rem 1rem}.run-banner code{overflow-wrap:anywhere}
ul.answers{font-size:16px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem}dt{font-weight:600}
figure{margin:1rem 0;overflow-x:auto}figure svg{max-width:100%;height:auto}`;

/** A single self-contained file: inline style, inline SVG figures, no script, no remote asset. */
export async function renderHtmlReport(
  analysis: RunAnalysis,
  figures?: Figures,
  banner: RunCompletion | null = null,
): Promise<string> {
  const { metadata } = analysis;
  const drawn = figures ?? (await renderFigures(analysis));
  const body = [
    `<h1>${escapeHtml(metadata.title)}</h1>`,
    metadata.simulated ? `<p class="simulated">${escapeHtml(SIMULATED_NOTICE)}</p>` : "",
    banner ? htmlBanner(banner) : "",
    `<dl>${runFacts(analysis)
      .map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd>`)
      .join("")}</dl>`,
    ...reportSections(analysis).map(
      (section) =>
        `<h2>${escapeHtml(section.heading)}</h2>${section.blocks
          .map((block, index) =>
            htmlBlock(block, drawn, section.heading === "Primary analysis" && index === 0),
          )
          .join("")}`,
    ),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(metadata.title)} — candor report</title><style>${STYLE}</style></head>
<body>${body.join("\n")}</body></html>
`;
}

/** A run that is not complete says so first: what stopped it and the command that finishes it. */
function htmlBanner(banner: RunCompletion): string {
  const finish = banner.command
    ? ` Finish it with: <code>${escapeHtml(banner.command)}</code>`
    : "";
  return `<p class="run-banner" role="note"><strong>${escapeHtml(banner.headline)}.</strong> ${escapeHtml(banner.detail)}${finish}</p>`;
}

function htmlBlock(block: Block, figures: Figures, answers: boolean): string {
  switch (block.kind) {
    case "paragraph":
      return `<p>${escapeHtml(block.text)}</p>`;
    case "list":
      return `<ul${answers ? ' class="answers"' : ""}>${block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join("")}</ul>`;
    case "table":
      return htmlTable(block.table);
    case "figure":
      return figures[block.figure] ? `<figure>${figures[block.figure]}</figure>` : "";
  }
}

function htmlTable(table: Table): string {
  const cells = (tag: string, row: readonly string[]) =>
    row.map((cell) => `<${tag}>${escapeHtml(cell)}</${tag}>`).join("");
  const note = table.note ? `<p class="note">${escapeHtml(table.note)}</p>` : "";
  return `<table><caption>${escapeHtml(table.caption)}</caption><thead><tr>${cells("th", table.header)}</tr></thead><tbody>${table.rows
    .map((row) => `<tr>${cells("td", row)}</tr>`)
    .join("")}</tbody></table>${note}`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
