import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../spec/input-error.ts";
import { DATABASE_FILE, RunStore } from "../store/run-store.ts";

/** RUN is a run directory path, or a run id looked up in the runs directory. */
export function openRun(run: string, runsDir: string): RunStore {
  const candidates = [resolve(run), resolve(join(runsDir, run))];
  const directory = candidates.find((candidate) => existsSync(join(candidate, DATABASE_FILE)));
  if (!directory) {
    throw new InputError(
      `no run "${run}" (looked for ${candidates.map((c) => join(c, DATABASE_FILE)).join(" and ")})`,
      {
        field: "RUN",
      },
    );
  }
  return RunStore.open(directory);
}
