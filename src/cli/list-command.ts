import { basename } from "node:path";
import type { Command } from "commander";
import { partialBuilds, runDirectories } from "../store/find-runs.ts";
import { RunStore } from "../store/run-store.ts";
import { DEFAULT_RUNS_DIR } from "./options.ts";

export function registerListCommand(program: Command): void {
  program
    .command("ls")
    .description("List the runs in the runs directory, newest last.")
    .option("--runs-dir <dir>", "where run directories are", DEFAULT_RUNS_DIR)
    .action((options: { runsDir: string }) => {
      for (const line of listRuns(options.runsDir)) process.stdout.write(`${line}\n`);
    });
}

export function listRuns(runsDir: string): string[] {
  const lines = runDirectories(runsDir).map((directory) => describeRun(directory));
  const partial = partialBuilds(runsDir);
  if (partial.length > 0) {
    lines.push(
      `note: ${partial.length === 1 ? "an unfinished run build is" : `${partial.length} unfinished run builds are`} here (a run stopped while it was being created; not a run, nothing to resume): ${partial.map((directory) => basename(directory)).join(", ")}; remove with: rm -r ${partial.join(" ")}`,
    );
  }
  return lines;
}

function describeRun(directory: string): string {
  const name = basename(directory);
  try {
    const store = RunStore.openForReading(directory);
    try {
      const metadata = store.metadata();
      const { complete, error, pending } = store.statusCounts();
      const simulated = metadata.simulated ? "  SIMULATED" : "";
      return `${name}  ${metadata.experimentId}  ${metadata.subjects.join(",")}  complete ${complete}  error ${error}  pending ${pending}${simulated}`;
    } finally {
      store.close();
    }
  } catch (error) {
    return `${name}  unreadable: ${error instanceof Error ? error.message : String(error)}`;
  }
}
