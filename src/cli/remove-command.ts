import { rmSync } from "node:fs";
import type { Command } from "commander";
import { InputError } from "../spec/input-error.ts";
import { RunLockedError } from "../store/run-lock.ts";
import type { RunStore } from "../store/run-store.ts";
import { confirmOrRefuse } from "./confirm.ts";
import { DEFAULT_RUNS_DIR } from "./options.ts";
import { openRun } from "./resolve-run.ts";

export function registerRemoveCommand(program: Command): void {
  program
    .command("rm")
    .description("Remove runs (their whole directories); asks first unless --yes.")
    .argument("<run...>", "run ids or run directories")
    .option("--runs-dir <dir>", "where run ids are looked up", DEFAULT_RUNS_DIR)
    .option("--yes", "do not ask")
    .action(async (runs: string[], options: { runsDir: string; yes?: boolean }) => {
      await removeRuns(runs, options);
    });
}

/**
 * Every RUN is checked to be a run no process is writing (its lock is taken) before anything is
 * removed, so a typo or a busy run removes nothing at all.
 */
async function removeRuns(runs: string[], options: { runsDir: string; yes?: boolean }) {
  const stores: RunStore[] = [];
  try {
    for (const run of runs) stores.push(lockedRun(run, options.runsDir));
    const list = stores.map((store) => `  ${store.directory}`).join("\n");
    const count = stores.length === 1 ? "this run" : `these ${stores.length} runs`;
    await confirmOrRefuse(`Remove ${count}?\n${list}\n`, options.yes);
    for (const store of stores.splice(0)) {
      store.close();
      rmSync(store.directory, { recursive: true, force: true, maxRetries: 3 });
      process.stdout.write(`removed ${store.directory}\n`);
    }
  } finally {
    for (const store of stores) store.close();
  }
}

function lockedRun(run: string, runsDir: string): RunStore {
  const store = openRun(run, runsDir);
  try {
    store.lockForWriting();
    return store;
  } catch (error) {
    store.close();
    if (error instanceof RunLockedError) throw new InputError(error.message, { field: "RUN" });
    throw error;
  }
}
