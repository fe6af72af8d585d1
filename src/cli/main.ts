import { Command, CommanderError } from "commander";
import { candorVersion } from "../runner/provenance.ts";
import { InputError } from "../spec/input-error.ts";

export const EXIT = { ok: 0, failure: 1, badInput: 2 } as const;

type RegisterCommand = (program: Command, exitCode: ExitCodeHolder) => void;

/**
 * Every command, in the order help lists them, each loaded only when asked for: a command's
 * module pulls in what it needs (SQLite, providers, the figure renderer), so `candor --version`
 * and `candor run` load nothing they do not use.
 */
const COMMANDS: ReadonlyArray<readonly [name: string, load: () => Promise<RegisterCommand>]> = [
  ["validate", async () => (await import("./validate-command.ts")).registerValidateCommand],
  ["scenario", async () => (await import("./scenario-command.ts")).registerScenarioCommand],
  ["plan", async () => (await import("./plan-command.ts")).registerPlanCommand],
  ["run", async () => (await import("./run-command.ts")).registerRunCommand],
  ["resume", async () => (await import("./resume-command.ts")).registerResumeCommand],
  ["report", async () => (await import("./report-command.ts")).registerReportCommand],
  ["ls", async () => (await import("./list-command.ts")).registerListCommand],
  ["rm", async () => (await import("./remove-command.ts")).registerRemoveCommand],
  ["cache", async () => (await import("./cache-command.ts")).registerCacheCommand],
  ["judge", async () => (await import("./judge-command.ts")).registerJudgeCommand],
  ["label", async () => (await import("./label-command.ts")).registerLabelCommand],
  [
    "validate-judge",
    async () => (await import("./validate-judge-command.ts")).registerValidateJudgeCommand,
  ],
  ["export", async () => (await import("./export-command.ts")).registerExportCommand],
  ["view", async () => (await import("./view-command.ts")).registerViewCommand],
  ["demo", async () => (await import("./demo-command.ts")).registerDemoCommand],
];

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
  try {
    for (const register of await loadCommands(argv)) register(program, exitCode);
    await program.parseAsync([...argv], { from: "user" });
    return exitCode.value;
  } catch (error) {
    return reportFailure(error);
  }
}

/**
 * The named command alone; none for a bare `--version`; all of them otherwise, since help, `help
 * COMMAND` and the suggestion for a mistyped command need every command's description.
 */
async function loadCommands(argv: readonly string[]): Promise<RegisterCommand[]> {
  // The program itself takes no option with a value, so the first word is the command's name.
  const name = argv.find((argument) => !argument.startsWith("-"));
  const named = COMMANDS.find(([commandName]) => commandName === name);
  if (named) return [await named[1]()];
  const asksVersionOnly =
    name === undefined && argv.some((flag) => flag === "-V" || flag === "--version");
  if (asksVersionOnly) return [];
  return Promise.all(COMMANDS.map(([, load]) => load()));
}

async function reportFailure(error: unknown): Promise<number> {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  }
  if (error instanceof InputError || (await isUnreadableRun(error))) {
    process.stderr.write(`candor: ${(error as Error).message}\n`);
    return EXIT.badInput;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`candor: error: ${message}\n`);
  if (process.env.CANDOR_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return EXIT.failure;
}

/** Loaded only on this failure path, so commands that never open a run do not load SQLite. */
async function isUnreadableRun(error: unknown): Promise<boolean> {
  const { UnreadableRunError } = await import("../store/run-store.ts");
  return error instanceof UnreadableRunError;
}

export type ExitCodeHolder = { value: number };
