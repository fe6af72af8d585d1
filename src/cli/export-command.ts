import type { Command } from "commander";
import { exportRun } from "../export/export-run.ts";
import { DEFAULT_RUNS_DIR } from "./options.ts";
import { oneOf } from "./report-command.ts";
import { openRun } from "./resolve-run.ts";

export function registerExportCommand(program: Command): void {
  program
    .command("export")
    .description("Print one record per trial to stdout, with every turn, verdict and outcome.")
    .argument("<run>", "run id or run directory")
    .requiredOption("--format <format>", "jsonl | csv", oneOf(["jsonl", "csv"] as const))
    .option("--runs-dir <dir>", "where run ids are looked up", DEFAULT_RUNS_DIR)
    .action(async (run: string, options: { format: "jsonl" | "csv"; runsDir: string }) => {
      const store = openRun(run, options.runsDir);
      try {
        await exportRun(store, options.format, process.stdout);
      } finally {
        store.close();
      }
    });
}
