import type { Writable } from "node:stream";
import type { RunStore } from "../store/run-store.ts";
import { tidyTurnTable } from "./tidy-turn-table.ts";
import { writeChunk } from "./write-chunk.ts";

/** Streams the judged-turn table as RFC 4180 CSV: booleans as true/false, null as an empty field. */
export async function exportCsv(
  store: RunStore,
  out: Writable,
  verdictSet?: string,
): Promise<number> {
  const table = tidyTurnTable(store, verdictSet);
  const names = table.columns.map((column) => column.name);
  await writeChunk(out, `${names.map(csvField).join(",")}\n`);
  let rows = 0;
  for (const row of table.rows()) {
    await writeChunk(out, `${names.map((name) => csvField(row[name])).join(",")}\n`);
    rows += 1;
  }
  return rows;
}

/** RFC 4180 quoting; a leading formula character is prefixed so spreadsheets show text, not run it. */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
