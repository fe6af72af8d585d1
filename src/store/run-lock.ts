import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";

export const LOCK_FILE = "run.lock";

/** Another live process is writing this run. */
export class RunLockedError extends Error {
  override readonly name = "RunLockedError";
}

interface LockOwner {
  pid: number;
  command: string;
  since: string;
}

/**
 * One writer per run directory. The lock file names its process; a lock whose process has died
 * (kill -9, a lost machine) is taken over, so the lock dies with its holder.
 */
export function acquireRunLock(directory: string): () => void {
  const path = join(directory, LOCK_FILE);
  const owner: LockOwner = {
    pid: process.pid,
    command: process.argv.slice(1).join(" "),
    since: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const descriptor = openSync(path, "wx");
      writeSync(descriptor, JSON.stringify(owner));
      closeSync(descriptor);
      const release = () => releaseIfOurs(path);
      process.once("exit", release);
      return () => {
        process.off("exit", release);
        release();
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readOwner(path);
      if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
        throw new RunLockedError(
          `${directory} is being written by process ${holder.pid} (${holder.command}, since ${holder.since}); wait for it or stop it first`,
        );
      }
      unlinkSync(path);
    }
  }
  throw new RunLockedError(`${directory}: could not take the run lock`);
}

function readOwner(path: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as LockOwner;
  } catch {
    // A lock file cut short by a crash names nobody: it is stale.
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function releaseIfOurs(path: string): void {
  if (readOwner(path)?.pid === process.pid) {
    try {
      unlinkSync(path);
    } catch {
      // Already gone: nothing to release.
    }
  }
}
