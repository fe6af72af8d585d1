import type { Writable } from "node:stream";
import type { RunStore } from "../store/run-store.ts";

/** One column of the judged-turn table: its values, in row order, and its Parquet type. */
interface Column {
  name: string;
  type: "STRING" | "INT32" | "BOOLEAN";
  data: Array<string | number | boolean | null>;
}

const COLUMNS: ReadonlyArray<[string, Column["type"]]> = [
  ["run_id", "STRING"],
  ["trial_id", "STRING"],
  ["subject", "STRING"],
  ["scenario", "STRING"],
  ["factors", "STRING"],
  ["arm", "STRING"],
  ["sample", "INT32"],
  ["simulated", "BOOLEAN"],
  ["turn_index", "INT32"],
  ["step_id", "STRING"],
  ["followup", "INT32"],
  ["reasoning_status", "STRING"],
  ["undesired", "STRING"],
  ["consistency", "STRING"],
  ["deception", "STRING"],
  ["judges", "STRING"],
  ["reasoning", "STRING"],
  ["output", "STRING"],
];

/**
 * One row per judged turn of every completed trial, for pandas, R and DuckDB. Parquet is written
 * whole (it is columnar), so this holds the judged turns' columns in memory, not the transcripts.
 */
export async function exportParquet(store: RunStore, out: Writable): Promise<number> {
  const runId = store.metadata().runId;
  const columns = new Map(
    COLUMNS.map(([name, type]) => [name, { name, type, data: [] } as Column]),
  );
  const push = (name: string, value: Column["data"][number]) => columns.get(name)?.data.push(value);
  let rows = 0;
  for (const trial of store.trials()) {
    if (trial.status !== "complete") continue;
    for (const turn of trial.turns) {
      if (!turn.outcome) continue;
      rows += 1;
      const values: Record<string, Column["data"][number]> = {
        run_id: runId,
        trial_id: trial.trialId,
        subject: trial.subject,
        scenario: trial.scenarioId,
        factors: JSON.stringify(trial.levels),
        arm: trial.arm,
        sample: trial.sample,
        simulated: trial.simulated,
        turn_index: turn.index,
        step_id: turn.stepId,
        followup: turn.followup,
        reasoning_status: turn.outcome.reasoningStatus,
        undesired: turn.outcome.undesired,
        consistency: turn.outcome.consistency,
        deception: turn.outcome.deception,
        judges: turn.verdicts.map((verdict) => verdict.judge).join(","),
        reasoning: turn.parsed?.reasoning ?? null,
        output: turn.parsed?.output ?? null,
      };
      for (const [name] of COLUMNS) push(name, values[name] ?? null);
    }
  }
  const { parquetWriteBuffer } = await import("hyparquet-writer");
  const buffer = parquetWriteBuffer({ columnData: [...columns.values()] });
  await new Promise<void>((resolve, reject) =>
    out.write(Buffer.from(buffer), (error) => (error ? reject(error) : resolve())),
  );
  return rows;
}
