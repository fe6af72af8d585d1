import { createWriteStream } from "node:fs";
import { join } from "node:path";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import type { ModelSettings } from "../spec/experiment.ts";
import { RUN_VERDICT_SET, type RunStore } from "../store/run-store.ts";
import { inspectEvalId, inspectLogHeader } from "./inspect-log-header.ts";
import { inspectLogStats } from "./inspect-log-stats.ts";
import { inspectSample } from "./inspect-sample.ts";
import { writeChunk } from "./write-chunk.ts";

/**
 * Writes one Inspect `EvalLog` (JSON, log format version 2) per subject, streaming the samples.
 * Everything else comes before `samples`, as in Inspect's own logs: Inspect reads a log's header
 * by streaming it up to `samples`. Top-level fields that would be null are left out (Inspect
 * writes its logs without nulls, and its header reader rejects a null `error`). `sinks` maps each
 * subject to its stream; trials of a subject without one are skipped. Returns the samples written.
 */
export async function exportInspectLogs(
  store: RunStore,
  sinks: ReadonlyMap<string, Writable>,
  verdictSet = RUN_VERDICT_SET,
): Promise<number> {
  const metadata = store.metadata();
  const settings = (metadata.experiment as { models?: Record<string, ModelSettings> }).models ?? {};
  const samplesWritten = new Map<string, number>();
  for (const [subject, out] of sinks) {
    const head = {
      ...inspectLogHeader(store.database, metadata, subject, verdictSet),
      stats: inspectLogStats(store.database, metadata, subject, verdictSet),
      invalidated: false,
      tags: metadata.simulated ? ["SIMULATED"] : [],
      metadata: { candor_run_id: metadata.runId, simulated: metadata.simulated },
    };
    // The log object is left open after its header: the samples follow one by one.
    await writeChunk(out, `${JSON.stringify(head).slice(0, -1)},"samples":[`);
    samplesWritten.set(subject, 0);
  }
  for (const trial of store.trials(verdictSet)) {
    const out = sinks.get(trial.subject);
    const before = samplesWritten.get(trial.subject);
    if (!out || before === undefined) continue;
    await writeChunk(
      out,
      `${before > 0 ? "," : ""}${JSON.stringify(inspectSample(trial, settings))}`,
    );
    samplesWritten.set(trial.subject, before + 1);
  }
  for (const out of sinks.values()) await writeChunk(out, "]}\n");
  return [...samplesWritten.values()].reduce((sum, count) => sum + count, 0);
}

/**
 * Writes each subject's log into `directory` under the name Inspect gives its own logs
 * (`<created>_<task>_<eval id>.json`): `inspect view` lists only files named so.
 */
export async function exportInspectLogFiles(
  store: RunStore,
  directory: string,
  verdictSet?: string,
): Promise<string[]> {
  const metadata = store.metadata();
  const stamp = metadata.createdAt
    .replace(/\.\d+Z$/, "Z")
    .replace(/:/g, "-")
    .replace(/Z$/, "+00-00");
  const task = metadata.experimentId.replace(/_/g, "-");
  const files = new Map<string, string>();
  const sinks = new Map<string, Writable>();
  for (const subject of metadata.subjects) {
    const file = join(directory, `${stamp}_${task}_${inspectEvalId(metadata.runId, subject)}.json`);
    files.set(subject, file);
    sinks.set(subject, createWriteStream(file));
  }
  await exportInspectLogs(store, sinks, verdictSet);
  for (const sink of sinks.values()) {
    sink.end();
    await finished(sink);
  }
  return [...files.values()];
}
