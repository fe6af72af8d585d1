import type { Writable } from "node:stream";
import type { RunStore } from "../store/run-store.ts";
import { trialExportRecord } from "./trial-export-record.ts";
import { writeChunk } from "./write-chunk.ts";

/** The one-record-per-trial format; the tidy formats (csv, parquet) are one row per judged turn. */
export type ExportFormat = "jsonl";

/** Streams one JSON record per trial, never holding the run in memory; waits when the reader is slow. */
export async function exportRun(
  store: RunStore,
  _format: ExportFormat,
  out: Writable,
  verdictSet?: string,
): Promise<number> {
  const runId = store.metadata().runId;
  let count = 0;
  for (const trial of store.trials(verdictSet)) {
    await writeChunk(out, `${JSON.stringify(trialExportRecord(trial, runId))}\n`);
    count += 1;
  }
  return count;
}
