import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { DATABASE_FILE, PARTIAL_SUFFIX, RunStore } from "./run-store.ts";

/** Run directories under runsDir (complete ones: a `.partial` build is not a run), oldest first. */
export function runDirectories(runsDir: string): string[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir, { withFileTypes: true })
    .filter(
      (entry) =>
        entry.isDirectory() &&
        !entry.name.endsWith(PARTIAL_SUFFIX) &&
        existsSync(join(runsDir, entry.name, DATABASE_FILE)),
    )
    .map((entry) => join(runsDir, entry.name))
    .sort();
}

/** Runs whose creation was interrupted (kill -9 while the plan was written): left-over builds. */
export function partialBuilds(runsDir: string): string[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name.endsWith(PARTIAL_SUFFIX))
    .map((entry) => join(runsDir, entry.name))
    .sort();
}

/** An earlier run of exactly this experiment (overrides included) that still has pending trials. */
export function findUnfinishedRun(
  runsDir: string,
  experiment: unknown,
): { directory: string; complete: number; total: number } | undefined {
  for (const directory of runDirectories(runsDir).reverse()) {
    try {
      const store = RunStore.openForReading(directory);
      try {
        if (!isDeepStrictEqual(store.metadata().experiment, JSON.parse(JSON.stringify(experiment))))
          continue;
        const counts = store.statusCounts();
        if (counts.pending > 0)
          return {
            directory,
            complete: counts.complete,
            total: counts.pending + counts.complete + counts.error,
          };
      } finally {
        store.close();
      }
    } catch {
      // An unreadable run is not a twin; `candor ls` reports it.
    }
  }
  return undefined;
}
