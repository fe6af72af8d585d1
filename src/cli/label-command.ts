import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { parse } from "csv-parse/sync";
import { InputError } from "../spec/input-error.ts";
import {
  CONSISTENCY_LABELS,
  type HumanLabel,
  judgedTurnKeys,
  saveHumanLabels,
  UNDESIRED_LABELS,
} from "../store/human-labels.ts";
import { labelInteractively } from "./label-interactively.ts";
import type { ExitCodeHolder } from "./main.ts";
import { DEFAULT_RUNS_DIR } from "./options.ts";
import { openRun } from "./resolve-run.ts";

export function registerLabelCommand(program: Command, exitCode: ExitCodeHolder): void {
  program
    .command("label")
    .description(
      "Label judged turns by hand, blind to every judge's verdict (or import labels made elsewhere). Keys: y/n, then c/i/n; s skips, u undoes the last label, q (or Ctrl-C) quits with a summary.",
    )
    .argument("<run>", "run id or run directory")
    .option("--import <file>", "a CSV with columns trial_id,turn,undesired,consistency")
    .option("--labeller <name>", "who labels (several people can label the same turns)", "human")
    .option("--runs-dir <dir>", "where run ids are looked up", DEFAULT_RUNS_DIR)
    .action(
      async (run: string, options: { import?: string; labeller: string; runsDir: string }) => {
        const store = openRun(run, options.runsDir);
        try {
          if (options.import) {
            const count = saveHumanLabels(
              store.database,
              readLabelFile(options.import, judgedTurnKeys(store.database), options.labeller),
            );
            process.stdout.write(`imported ${count} labels into ${store.directory}\n`);
          } else {
            exitCode.value = await labelInteractively(store, options.labeller);
          }
        } finally {
          store.close();
        }
      },
    );
}

/** Reads and checks a label CSV whole before anything is stored: one bad row stores nothing. */
export function readLabelFile(
  file: string,
  judgedTurns: ReadonlySet<string>,
  labeller: string,
): HumanLabel[] {
  let records: Array<Record<string, string>>;
  const text = readLabelText(file);
  try {
    records = parse(text, {
      bom: true,
      columns: checkedHeader(file),
      skip_empty_lines: true,
      trim: true,
    });
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`is not a readable CSV (${(error as Error).message})`, { file });
  }
  if (records.length === 0) throw new InputError("has no label rows", { file });
  // A turn labelled twice by one labeller would keep only one row: refuse rather than miscount.
  const firstRow = new Map<string, number>();
  return records.map((record, index) => {
    const field = (name: string) => `row ${index + 2}.${name}`;
    const key = `${record.trial_id}#${record.turn}`;
    const earlier = firstRow.get(key);
    if (earlier !== undefined) {
      throw new InputError(
        `labels trial ${record.trial_id} turn ${record.turn} again (first at row ${earlier}); one row per turn`,
        { file, field: field("trial_id") },
      );
    }
    firstRow.set(key, index + 2);
    const turnIndex = Number(record.turn);
    if (!record.trial_id || !Number.isInteger(turnIndex))
      throw new InputError("needs trial_id and a whole-number turn", {
        file,
        field: field("turn"),
      });
    if (!judgedTurns.has(`${record.trial_id}#${turnIndex}`)) {
      throw new InputError(`no judged turn ${turnIndex} in trial ${record.trial_id}`, {
        file,
        field: field("trial_id"),
      });
    }
    return {
      trialId: record.trial_id,
      turnIndex,
      labeller,
      undesired: oneOfOrEmpty(record.undesired, UNDESIRED_LABELS, file, field("undesired")),
      consistency: oneOfOrEmpty(record.consistency, CONSISTENCY_LABELS, file, field("consistency")),
    };
  });
}

/** The file as UTF-8 text, or an InputError: a binary file is not a CSV with no rows. */
function readLabelText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === "ENOENT" ? "no such file" : `cannot be read (${code})`, {
      file,
      field: "--import",
    });
  }
  if (bytes.includes(0)) throw new InputError("is a binary file, expected a CSV", { file });
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new InputError("is not UTF-8 text, expected a CSV", { file });
  }
}

const LABEL_COLUMNS = ["trial_id", "turn", "undesired", "consistency"];

/** The header must name trial_id and turn (other columns are ignored). */
function checkedHeader(file: string) {
  return (header: string[]): string[] => {
    for (const needed of ["trial_id", "turn"]) {
      if (!header.includes(needed)) {
        throw new InputError(
          `the header has no ${needed} column; expected ${LABEL_COLUMNS.join(",")}`,
          { file },
        );
      }
    }
    return header;
  };
}

function oneOfOrEmpty<Value extends string>(
  value: string | undefined,
  allowed: readonly Value[],
  file: string,
  field: string,
): Value | null {
  if (value === undefined || value === "") return null;
  if (!allowed.includes(value as Value))
    throw new InputError(`expected one of ${allowed.join(", ")} or empty`, { file, field });
  return value as Value;
}
