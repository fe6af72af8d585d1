import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import type { ScenarioCheck } from "../authoring/check-scenario.ts";
import { formatFinding, type ScenarioFinding } from "../authoring/scenario-finding.ts";
import { InputError } from "../spec/input-error.ts";
import type { ExitCodeHolder } from "./main.ts";
import { baseUrl, collect, wholeNumber } from "./options.ts";

/** `candor scenario check | new | draft`: tools to write scenarios and catch weak ones early. */
export function registerScenarioCommand(program: Command, exitCode: ExitCodeHolder): void {
  const scenario = program
    .command("scenario")
    .description("Write, check and draft scenarios: check FILE…, new ID, draft --model SPEC.");
  scenario
    .command("check")
    .description(
      "Everything validate does, then: reference turns against the cues (with margins), every {{variable}}, a playable script in every arm and combination, the protocol of the refusal and rebuttal, the judge's blind view, and (with --context) the conversation's size.",
    )
    .argument("<files...>", "scenario YAML files")
    .option(
      "--context <tokens>",
      "the subject's context window: the longest conversation must fit",
      wholeNumber,
    )
    .option(
      "--max-tokens <tokens>",
      "tokens a model turn may take (as the experiment's max_tokens)",
      wholeNumber,
      800,
    )
    .option("--margins", "also print every reference turn's cue margin, the smallest first")
    .action(async (files: string[], options: CheckCommandOptions) => {
      const { checkScenarioFile } = await import("../authoring/check-scenario.ts");
      const checks = files.map((file) =>
        checkScenarioFile(file, { contextTokens: options.context, maxTokens: options.maxTokens }),
      );
      if (options.margins) printMargins(checks);
      exitCode.value = printChecks(checks);
    });
  scenario
    .command("new")
    .description("Write ID.yaml: a commented scaffold that validates, every field explained.")
    .argument("<id>", "the scenario's id (lower-case letters, digits, - and _)")
    .option("--dir <dir>", "where to write it", ".")
    .option("--force", "overwrite an existing file")
    .action(async (id: string, options: { dir: string; force?: boolean }) => {
      if (!/^[a-z0-9][a-z0-9_-]*$/.test(id) || id.length > 64) {
        throw new InputError(
          `"${id}" is not an id: use lower-case letters, digits, '-' or '_' (at most 64)`,
          { field: "ID" },
        );
      }
      const file = join(options.dir, `${id}.yaml`);
      if (existsSync(file) && !options.force) {
        throw new InputError("exists already; pass --force to overwrite it", { file });
      }
      const { scenarioScaffold } = await import("../authoring/scenario-scaffold.ts");
      writeFileSync(file, scenarioScaffold(id));
      process.stdout.write(`wrote ${file}: edit it, then run candor scenario check ${file}\n`);
    });
  scenario
    .command("draft")
    .description(
      "A model drafts scenarios for a domain through structured output; each is validated, checked, repaired up to twice, deduplicated against the library and written to --out with a report. Nothing enters the library without you.",
    )
    .requiredOption(
      "--model <spec>",
      "the drafting model, e.g. openai:gpt-4o or anthropic:claude-sonnet-4-5",
    )
    .requiredOption("--domain <text>", 'the domain to draft in, e.g. "pharmacy benefits"')
    .option("--like <scenario>", "a scenario (path or bundled id) whose format to follow")
    .option("--n <count>", "how many drafts", wholeNumber, 1)
    .option("--out <dir>", "where drafts and draft-report.json are written", "drafts")
    .option(
      "--library <dir>",
      "a folder of scenarios drafts must not duplicate (repeatable; the bundled ones always count)",
      collect,
    )
    .option("--base-url <url>", "server for openai-style models", baseUrl)
    .option("--max-tokens <tokens>", "tokens a draft may take", wholeNumber, 16000)
    .action(async (options: DraftCommandOptions) => {
      const { runDraftCommand } = await import("./scenario-draft-command.ts");
      exitCode.value = await runDraftCommand(options);
    });
}

interface CheckCommandOptions {
  context?: number;
  maxTokens: number;
  margins?: boolean;
}

/** `margin +2  FILE: FIELD at LEVELS`: how far each reference turn lands on its own side. */
function printMargins(checks: readonly ScenarioCheck[]): void {
  for (const check of checks) {
    for (const { field, levels, margin } of check.margins) {
      const signed = margin > 0 ? `+${margin}` : String(margin);
      const at = levels ? ` at ${levels}` : "";
      process.stdout.write(`margin ${signed.padStart(3)}  ${check.file}: ${field}${at}\n`);
    }
  }
}

export interface DraftCommandOptions {
  model: string;
  domain: string;
  like?: string;
  n: number;
  out: string;
  library?: string[];
  baseUrl?: string;
  maxTokens: number;
}

/** Errors first, then warnings, then one line per clean file and a summary; the exit code. */
function printChecks(checks: readonly ScenarioCheck[]): number {
  const all = checks.flatMap((check) => check.findings);
  const errors = all.filter((finding) => finding.severity === "error");
  const warnings = all.filter((finding) => finding.severity === "warning");
  for (const check of checks) {
    if (check.findings.some((finding) => finding.severity === "error")) continue;
    const margin =
      check.smallestMargin === undefined ? "no cues" : `smallest margin ${check.smallestMargin}`;
    process.stdout.write(
      `ok       ${check.file}: ${check.referenceTurns} reference turns on the right side of the cues (${margin})\n`,
    );
  }
  const print = (label: string, finding: ScenarioFinding) =>
    process.stdout.write(`${label.padEnd(8)} ${formatFinding(finding)}\n`);
  for (const finding of errors) print("error", finding);
  for (const finding of warnings) print("warning", finding);
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
  process.stdout.write(
    `checked ${plural(checks.length, "file")}: ${plural(errors.length, "error")}, ${plural(warnings.length, "warning")}\n`,
  );
  return errors.length > 0 ? 2 : 0;
}
