import type { Command } from "commander";
import { exportParquet } from "../export/export-parquet.ts";
import { exportRun } from "../export/export-run.ts";
import { InputError } from "../spec/input-error.ts";
import { DEFAULT_RUNS_DIR } from "./options.ts";
import { oneOf } from "./report-command.ts";
import { openRunForReading } from "./resolve-run.ts";

export function registerExportCommand(program: Command): void {
  program
    .command("export")
    .description("Print one record per trial to stdout, with every turn, verdict and outcome.")
    .argument("<run>", "run id or run directory")
    .requiredOption(
      "--format <format>",
      "jsonl | csv (one record per trial) | parquet (one row per judged turn)",
      oneOf(["jsonl", "csv", "parquet"] as const),
    )
    .option("--runs-dir <dir>", "where run ids are looked up", DEFAULT_RUNS_DIR)
    .action(
      async (run: string, options: { format: "jsonl" | "csv" | "parquet"; runsDir: string }) => {
        if (options.format === "parquet" && process.stdout.isTTY) {
          throw new InputError(
            "parquet is binary: redirect it to a file (candor export RUN --format parquet > turns.parquet)",
            { field: "--format" },
          );
        }
        const store = openRunForReading(run, options.runsDir);
        try {
          if (options.format === "parquet") await exportParquet(store, process.stdout);
          else await exportRun(store, options.format, process.stdout);
        } finally {
          store.close();
        }
      },
    );
}
