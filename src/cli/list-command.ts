import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { DATABASE_FILE, RunStore } from "../store/run-store.ts";
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
  if (!existsSync(runsDir)) return [];
  const directories = readdirSync(runsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(runsDir, entry.name, DATABASE_FILE)))
    .map((entry) => entry.name)
    .sort();
  return directories.map((name) => describeRun(join(runsDir, name), name));
}

function describeRun(directory: string, name: string): string {
  try {
    const store = RunStore.open(directory);
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
