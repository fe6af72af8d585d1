import { join } from "node:path";
import Database from "better-sqlite3";
import type { PrimaryAnalysisSpec } from "../spec/experiment.ts";
import { runDirectories } from "./find-runs.ts";
import { DATABASE_FILE } from "./run-store.ts";

export interface PriorInconclusive {
  fraction: number;
  /** Runs it was measured on, and judged turns. */
  runs: number;
  turns: number;
}

/**
 * The share of inconclusive verdicts the same judges gave before, on the primary outcome of the
 * primary contrast's arms, over every readable run in runsDir made with exactly these judges;
 * undefined when there is none. Runs are opened read-only and never changed.
 */
export function priorInconclusiveFraction(
  runsDir: string,
  judges: readonly string[],
  primary: Pick<PrimaryAnalysisSpec, "metric" | "contrast">,
  labelSql: string,
): PriorInconclusive | undefined {
  const wanted = JSON.stringify([...judges].sort());
  let runs = 0;
  let turns = 0;
  let inconclusive = 0;
  for (const directory of runDirectories(runsDir)) {
    try {
      const database = new Database(join(directory, DATABASE_FILE), {
        readonly: true,
        fileMustExist: true,
      });
      try {
        const row = database.prepare("SELECT value FROM run_metadata WHERE key = 'judges'").get() as
          | { value: string }
          | undefined;
        if (!row || JSON.stringify((JSON.parse(row.value) as string[]).sort()) !== wanted) continue;
        const counts = database
          .prepare(
            `SELECT COUNT(*) AS turns, SUM((${labelSql}) = 'inconclusive') AS inconclusive
             FROM outcomes o JOIN trials t ON t.trial_id = o.trial_id
             WHERE o.verdict_set = 'run' AND o.followup >= 1 AND t.arm IN (?, ?)`,
          )
          .get(...primary.contrast) as { turns: number; inconclusive: number | null };
        if (counts.turns === 0) continue;
        runs += 1;
        turns += counts.turns;
        inconclusive += counts.inconclusive ?? 0;
      } finally {
        database.close();
      }
    } catch {
      // An unreadable run says nothing about these judges; `candor ls` reports it.
    }
  }
  return runs === 0 ? undefined : { fraction: inconclusive / turns, runs, turns };
}
