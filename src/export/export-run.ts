import type { Writable } from "node:stream";
import type { RunStore } from "../store/run-store.ts";
import { type TrialExportRecord, trialExportRecord } from "./trial-export-record.ts";

export type ExportFormat = "jsonl" | "csv";

const CSV_COLUMNS = [
  "run_id",
  "trial_id",
  "subject",
  "scenario",
  "factors",
  "arm",
  "sample",
  "status",
  "error",
  "simulated",
  "undesired",
  "reasoning_status",
  "consistency",
  "deception",
  "turns",
] as const;

/** Streams one record per trial, never holding the run in memory; waits when the reader is slow. */
export async function exportRun(
  store: RunStore,
  format: ExportFormat,
  out: Writable,
): Promise<number> {
  const runId = store.metadata().runId;
  let count = 0;
  if (format === "csv") await write(out, `${CSV_COLUMNS.join(",")}\n`);
  for (const trial of store.trials()) {
    const record = trialExportRecord(trial, runId);
    await write(out, format === "jsonl" ? `${JSON.stringify(record)}\n` : `${csvRow(record)}\n`);
    count += 1;
  }
  return count;
}

function csvRow(record: TrialExportRecord): string {
  const values: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    ...record,
    factors: JSON.stringify(record.factors),
    undesired: record.outcome?.undesired ?? "",
    reasoning_status: record.outcome?.reasoning_status ?? "",
    consistency: record.outcome?.consistency ?? "",
    deception: record.outcome?.deception ?? "",
    turns: JSON.stringify(record.turns),
  };
  return CSV_COLUMNS.map((column) => csvField(values[column])).join(",");
}

/** RFC 4180 quoting; a leading formula character is prefixed so spreadsheets show text, not run it. */
function csvField(value: unknown): string {
  let text = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function write(out: Writable, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ready = out.write(chunk, (error) => (error ? reject(error) : undefined));
    if (ready) resolve();
    else out.once("drain", resolve);
  });
}
