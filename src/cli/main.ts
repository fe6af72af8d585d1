import { Command, CommanderError } from "commander";
import { candorVersion } from "../runner/provenance.ts";
import { InputError } from "../spec/input-error.ts";
import { UnreadableRunError } from "../store/run-store.ts";
import { registerCacheCommand } from "./cache-command.ts";
import { registerDemoCommand } from "./demo-command.ts";
import { registerExportCommand } from "./export-command.ts";
import { registerJudgeCommand } from "./judge-command.ts";
import { registerLabelCommand } from "./label-command.ts";
import { registerListCommand } from "./list-command.ts";
import { registerPlanCommand } from "./plan-command.ts";
import { registerRemoveCommand } from "./remove-command.ts";
import { registerReportCommand } from "./report-command.ts";
import { registerResumeCommand } from "./resume-command.ts";
import { registerRunCommand } from "./run-command.ts";
import { registerValidateCommand } from "./validate-command.ts";
import { registerValidateJudgeCommand } from "./validate-judge-command.ts";
import { registerViewCommand } from "./view-command.ts";

export const EXIT = { ok: 0, failure: 1, badInput: 2 } as const;

/** Runs the CLI and returns its exit code: 0 ok, 1 runtime failure, 2 bad input. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command("candor")
    .description(
      "Find behaviour that fine-tuning hid instead of removed: refusal-vs-rebuttal experiments.",
    )
    .version(candorVersion())
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)");
  const exitCode = { value: EXIT.ok as number };
  for (const register of [
    registerValidateCommand,
    registerPlanCommand,
    registerRunCommand,
    registerResumeCommand,
    registerReportCommand,
    registerListCommand,
    registerRemoveCommand,
    registerCacheCommand,
    registerJudgeCommand,
    registerLabelCommand,
    registerValidateJudgeCommand,
    registerExportCommand,
    registerViewCommand,
    registerDemoCommand,
  ]) {
    register(program, exitCode);
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode.value;
  } catch (error) {
    return reportFailure(error);
  }
}

function reportFailure(error: unknown): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  }
  if (error instanceof InputError || error instanceof UnreadableRunError) {
    process.stderr.write(`candor: ${error.message}\n`);
    return EXIT.badInput;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`candor: error: ${message}\n`);
  if (process.env.CANDOR_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return EXIT.failure;
}

export type ExitCodeHolder = { value: number };
