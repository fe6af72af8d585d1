import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { analyzeRun, type PAdjustment } from "../report/analyze-run.ts";
import { describePartialSet, writeReport } from "../report/write-report.ts";
import { InputError } from "../spec/input-error.ts";
import { RUN_VERDICT_SET } from "../store/run-store.ts";
import { verdictSetCoverage, verdictSets } from "../store/write-verdict-set.ts";
import { DEFAULT_RUNS_DIR } from "./options.ts";
import { openRunForReading } from "./resolve-run.ts";

const FORMATS = ["md", "html", "json"] as const;

export function registerReportCommand(program: Command): void {
  program
    .command("report")
    .description(
      "Write report.md and report.html into a run directory (or print the analysis as JSON).",
    )
    .argument("<run>", "run id or run directory")
    .option(
      "--format <format>",
      "md | html write both files and print the path of this one; json prints the analysis",
      oneOf(FORMATS),
      "html",
    )
    .option("--runs-dir <dir>", "where run ids are looked up", DEFAULT_RUNS_DIR)
    .option(
      "--judges <set>",
      "the verdict set to report: the run's own (run) or one added by candor judge",
      "run",
    )
    .option(
      "--adjust <method>",
      "multiple-comparison adjustment: holm | bh",
      oneOf(["holm", "bh"] as const),
      "holm",
    )
    .action(
      async (
        run: string,
        options: {
          format: (typeof FORMATS)[number];
          runsDir: string;
          adjust: PAdjustment;
          judges: string;
        },
      ) => {
        const store = openRunForReading(run, options.runsDir);
        try {
          const sets = verdictSets(store.database).map((set) => set.verdictSet);
          if (!sets.includes(options.judges)) {
            const known = sets.join(", ") || "none";
            throw new InputError(
              `no verdict set "${options.judges}" in this run; it has: ${known}`,
              { field: "--judges" },
            );
          }
          const coverage = verdictSetCoverage(store.database, options.judges, RUN_VERDICT_SET);
          if (!coverage.complete)
            process.stderr.write(
              `candor: verdict set "${options.judges}" is partial: ${describePartialSet(coverage)}\n`,
            );
          if (options.format === "json") {
            const analysis = analyzeRun(store, {
              adjustment: options.adjust,
              verdictSet: options.judges,
            });
            process.stdout.write(
              `${JSON.stringify({ ...analysis, verdict_set_coverage: coverage }, null, 2)}\n`,
            );
            return;
          }
          const { markdownPath, htmlPath } = await writeReport(store, {
            adjustment: options.adjust,
            verdictSet: options.judges,
          });
          process.stdout.write(`${options.format === "md" ? markdownPath : htmlPath}\n`);
        } finally {
          store.close();
        }
      },
    );
}

export function oneOf<const Values extends readonly string[]>(values: Values) {
  return (value: string): Values[number] => {
    if (!values.includes(value))
      throw new InvalidArgumentError(`expected one of ${values.join(", ")}`);
    return value as Values[number];
  };
}
