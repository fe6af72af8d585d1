import { basename } from "node:path";
import { runDirectories } from "../store/find-runs.ts";
import { runLockHolder } from "../store/run-lock.ts";
import { readRunProgress } from "../store/run-progress.ts";
import type { RunLive, RunsLive } from "./api-types.ts";
import type { RunCatalog } from "./run-catalog.ts";

/**
 * What a page polls to follow a run: its version (file times, no query), trial counts and stop
 * (one indexed count, cached per version), whether a process holds its lock and, while one does,
 * the session's snapshot. Nothing here reads trials, so polling costs the same on any run size.
 */
export async function runLive(catalog: RunCatalog, runId: string): Promise<RunLive> {
  const { directory } = catalog.open(runId);
  const version = catalog.version(runId);
  const { status, stop } = await catalog.completionFacts(runId);
  const writing = runLockHolder(directory) !== undefined;
  return {
    runId,
    version,
    status,
    stop,
    writing,
    directory,
    progress: writing ? readRunProgress(directory) : null,
  };
}

/** Every readable run's version and lock, for the runs list (an unreadable run is left out). */
export function runsLive(catalog: RunCatalog): RunsLive {
  const runs: RunsLive["runs"] = [];
  for (const directory of runDirectories(catalog.runsDir)) {
    const runId = basename(directory);
    try {
      runs.push({
        runId,
        version: catalog.version(runId),
        writing: runLockHolder(directory) !== undefined,
      });
    } catch {
      // Listed as unreadable by the runs list itself.
    }
  }
  return { runs };
}
