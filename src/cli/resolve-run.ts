import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../spec/input-error.ts";
import { DATABASE_FILE, PARTIAL_SUFFIX, RunStore } from "../store/run-store.ts";

/** RUN is a run directory path, or a run id looked up in the runs directory; opened to write. */
export function openRun(run: string, runsDir: string): RunStore {
  return RunStore.open(findRun(run, runsDir));
}

/** RUN opened read-only: nothing is written, so runs on read-only media can be read. */
export function openRunForReading(run: string, runsDir: string): RunStore {
  return RunStore.openForReading(findRun(run, runsDir));
}

function findRun(run: string, runsDir: string): string {
  const candidates = [resolve(run), resolve(join(runsDir, run))];
  if (candidates[0]?.endsWith(PARTIAL_SUFFIX)) {
    throw new InputError(
      `"${run}" is an unfinished run build (the run was stopped while it was being created), not a run; remove it with: rm -r ${candidates.find((c) => existsSync(c)) ?? candidates[0]}`,
      { field: "RUN" },
    );
  }
  const directory = candidates.find((candidate) => existsSync(join(candidate, DATABASE_FILE)));
  if (!directory) {
    throw new InputError(
      `no run "${run}" (looked for ${candidates.map((c) => join(c, DATABASE_FILE)).join(" and ")})`,
      {
        field: "RUN",
      },
    );
  }
  return directory;
}
