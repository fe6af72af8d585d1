import { existsSync } from "node:fs";
import { basename } from "node:path";
import type { Command } from "commander";
import { usageSummary } from "../report/usage-summary.ts";
import type { ExperimentSpec } from "../spec/experiment.ts";
import { InputError } from "../spec/input-error.ts";
import { briefErrorGroups, errorGroups } from "../store/error-groups.ts";
import { partialBuilds, runDirectories } from "../store/find-runs.ts";
import { type RunMetadata, RunStore } from "../store/run-store.ts";
import { verdictSets } from "../store/write-verdict-set.ts";
import { describeSpend } from "./describe-spend.ts";
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
  if (!existsSync(runsDir))
    throw new InputError(`no runs directory ${runsDir} (no run was made here yet?)`, {
      field: "--runs-dir",
    });
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
      const why = error > 0 ? ` (${briefErrorGroups(errorGroups(store.database))})` : "";
      const sets = verdictSets(store.database).map((set) => set.verdictSet);
      return [
        name,
        metadata.createdAt.slice(0, 16).replace("T", " "),
        metadata.experimentId,
        `subjects ${metadata.subjects.join(",")}`,
        `judges ${metadata.judges.join(",")}`,
        `sets ${sets.length > 0 ? sets.join(",") : "none"}`,
        `complete ${complete}`,
        `error ${error}${why}`,
        `pending ${pending}`,
        `cost ${runCost(store, metadata)}`,
        ...(metadata.simulated ? ["SIMULATED"] : []),
      ].join("  ");
    } finally {
      store.close();
    }
  } catch (error) {
    return `${name}  unreadable: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** What the run's stored calls cost, an unknown price said as unknown (see describeSpend). */
function runCost(store: RunStore, metadata: RunMetadata): string {
  const experiment = metadata.experiment as Pick<ExperimentSpec, "models" | "pressurer">;
  const usage = usageSummary(store.database, experiment.models ?? {}, experiment.pressurer);
  const billed = usage.filter((row) => row.inputTokens + row.outputTokens > 0);
  return describeSpend({
    costUsd: billed.reduce((sum, row) => sum + (row.costUsd ?? 0), 0),
    unpricedModels: billed.filter((row) => row.costUsd === null).map((row) => row.model),
  });
}
