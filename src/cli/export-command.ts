import { mkdirSync } from "node:fs";
import type { Command } from "commander";
import { exportCsv } from "../export/export-csv.ts";
import { exportInspectLogFiles, exportInspectLogs } from "../export/export-inspect-log.ts";
import { exportParquet } from "../export/export-parquet.ts";
import { exportPreference } from "../export/export-preference.ts";
import { exportRun } from "../export/export-run.ts";
import { exportSft } from "../export/export-sft.ts";
import type { TrainingOptions } from "../export/training-selection.ts";
import { InputError } from "../spec/input-error.ts";
import { RUN_VERDICT_SET, type RunStore } from "../store/run-store.ts";
import { verdictSets } from "../store/write-verdict-set.ts";
import { DEFAULT_RUNS_DIR } from "./options.ts";
import { oneOf } from "./report-command.ts";
import { openRunForReading } from "./resolve-run.ts";

const FORMATS = ["jsonl", "csv", "parquet", "inspect", "sft", "preference"] as const;
type Format = (typeof FORMATS)[number];

interface ExportOptions {
  format: Format;
  runsDir: string;
  judges: string;
  out?: string;
  fromModel?: boolean;
  labelledOnly?: boolean;
  minAgreement?: string;
  scenarios?: string[];
  holdout?: string[];
  split?: "train" | "eval";
}

export function registerExportCommand(program: Command): void {
  program
    .command("export")
    .description(
      "Export a run: trials (jsonl), judged turns (csv, parquet), Inspect eval logs, fine-tuning sets (sft, preference).",
    )
    .argument("<run>", "run id or run directory")
    .requiredOption(
      "--format <format>",
      "jsonl (one record per trial) | csv | parquet (one row per judged turn) | inspect (Inspect eval log per subject) | sft (OpenAI chat fine-tuning) | preference (TRL preference pairs)",
      oneOf(FORMATS),
    )
    .option("--runs-dir <dir>", "where run ids are looked up", DEFAULT_RUNS_DIR)
    .option("--judges <set>", "the verdict set to export: the run's own (run) or another", "run")
    .option("--out <dir>", "inspect: write one log file per subject into this directory")
    .option("--from-model", "sft, preference: train only on turns the model wrote")
    .option("--labelled-only", "sft, preference: only turns whose human labels agree")
    .option("--min-agreement <share>", "sft, preference: least share of judges agreeing (0–1)")
    .option("--scenarios <id...>", "sft, preference: only these scenarios")
    .option("--holdout <id...>", "sft, preference: scenarios held out of training")
    .option(
      "--split <split>",
      "sft, preference: with --holdout, train (default) or eval",
      oneOf(["train", "eval"] as const),
    )
    .action(async (run: string, options: ExportOptions) => {
      checkOptionsFit(options);
      if (options.format === "parquet" && process.stdout.isTTY) {
        throw new InputError(
          "parquet is binary: redirect it to a file (candor export RUN --format parquet > turns.parquet)",
          { field: "--format" },
        );
      }
      const store = openRunForReading(run, options.runsDir);
      try {
        checkVerdictSet(store, options.judges);
        await exportTo(store, options);
      } finally {
        store.close();
      }
    });
}

async function exportTo(store: RunStore, options: ExportOptions): Promise<void> {
  const verdictSet = options.judges;
  const out = process.stdout;
  switch (options.format) {
    case "jsonl":
      await exportRun(store, "jsonl", out, verdictSet);
      return;
    case "csv":
      await exportCsv(store, out, verdictSet);
      return;
    case "parquet":
      await exportParquet(store, out, verdictSet);
      return;
    case "inspect":
      await exportInspect(store, options);
      return;
    case "sft":
    case "preference": {
      const training = trainingOptions(store, options);
      const written =
        options.format === "sft"
          ? await exportSft(store, out, training)
          : await exportPreference(store, out, training);
      const kind = options.format === "sft" ? "conversations" : "preference pairs";
      process.stderr.write(`${written} ${kind} written\n`);
      return;
    }
  }
}

async function exportInspect(store: RunStore, options: ExportOptions): Promise<void> {
  const subjects = store.metadata().subjects;
  if (options.out) {
    mkdirSync(options.out, { recursive: true });
    const files = await exportInspectLogFiles(store, options.out, options.judges);
    for (const file of files) process.stdout.write(`${file}\n`);
    return;
  }
  const [subject] = subjects;
  if (subjects.length !== 1 || subject === undefined) {
    throw new InputError(
      `the run has ${subjects.length} subjects and an Inspect log holds one: give --out DIR to write one log per subject`,
      { field: "--out" },
    );
  }
  await exportInspectLogs(store, new Map([[subject, process.stdout]]), options.judges);
}

const TRAINING_OPTIONS = [
  ["fromModel", "--from-model"],
  ["labelledOnly", "--labelled-only"],
  ["minAgreement", "--min-agreement"],
  ["scenarios", "--scenarios"],
  ["holdout", "--holdout"],
  ["split", "--split"],
] as const;

/** An option given to a format that does not read it is an error, never silently ignored. */
function checkOptionsFit(options: ExportOptions): void {
  const training = options.format === "sft" || options.format === "preference";
  for (const [key, flag] of TRAINING_OPTIONS) {
    if (!training && options[key] !== undefined)
      throw new InputError(`${flag} is for --format sft or preference`, { field: flag });
  }
  if (options.out !== undefined && options.format !== "inspect")
    throw new InputError("--out is for --format inspect", { field: "--out" });
  if (options.split !== undefined && !options.holdout?.length)
    throw new InputError("--split needs --holdout (the scenarios held out)", { field: "--split" });
}

/** Another verdict set must exist: exporting one that does not would give no outcomes at all. */
function checkVerdictSet(store: RunStore, verdictSet: string): void {
  if (verdictSet === RUN_VERDICT_SET) return;
  const sets = verdictSets(store.database).map((set) => set.verdictSet);
  if (!sets.includes(verdictSet))
    throw new InputError(
      `no verdict set "${verdictSet}" in this run; it has: ${sets.join(", ") || "none"}`,
      { field: "--judges" },
    );
}

function trainingOptions(store: RunStore, options: ExportOptions): TrainingOptions {
  const known = new Set(
    (
      store.database.prepare("SELECT DISTINCT scenario_id FROM trials").all() as Array<{
        scenario_id: string;
      }>
    ).map((row) => row.scenario_id),
  );
  for (const [flag, ids] of [
    ["--scenarios", options.scenarios],
    ["--holdout", options.holdout],
  ] as const) {
    const unknown = (ids ?? []).filter((id) => !known.has(id));
    if (unknown.length > 0)
      throw new InputError(
        `no scenario ${unknown.join(", ")} in this run (it has ${[...known].join(", ")})`,
        { field: flag },
      );
  }
  const training: TrainingOptions = {
    verdictSet: options.judges,
    fromModel: options.fromModel === true,
    labelledOnly: options.labelledOnly === true,
  };
  if (options.minAgreement !== undefined) training.minAgreement = share(options.minAgreement);
  if (options.scenarios) training.scenarios = options.scenarios;
  if (options.holdout) training.holdout = options.holdout;
  if (options.split) training.split = options.split;
  return training;
}

function share(text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < 0 || value > 1)
    throw new InputError(`expected a share between 0 and 1, got "${text}"`, {
      field: "--min-agreement",
    });
  return value;
}
