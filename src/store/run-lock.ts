import { randomBytes } from "node:crypto";
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
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
 *
 * Taking over is atomic: only the process holding `run.lock.takeover` (made with exclusive create)
 * may remove a stale lock, and it checks again that the lock is stale before removing it. Every
 * lock is made with exclusive create, so of processes racing for a stale lock exactly one wins.
 */
export function acquireRunLock(directory: string): () => void {
  const path = join(directory, LOCK_FILE);
  const owner: LockOwner = {
    pid: process.pid,
    command: process.argv.slice(1).join(" "),
    since: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt++) {
    if (createExclusive(path, owner)) {
      const release = () => releaseIfOurs(path);
      process.once("exit", release);
      return () => {
        process.off("exit", release);
        release();
      };
    }
    const holder = readOwner(path);
    if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
      throw new RunLockedError(
        `${directory} is being written by process ${holder.pid} (${holder.command}, since ${holder.since}); wait for it or stop it first`,
      );
    }
    removeStaleLock(path, owner);
  }
  throw new RunLockedError(`${directory}: could not take the run lock`);
}

const TAKEOVER_ATTEMPTS = 1000;

/**
 * The live process writing the run, if any (a lock whose process died names nobody). Its pid and
 * start only: the lock's command line can hold a server address, which is not the viewer's to show.
 */
export function runLockHolder(directory: string): { pid: number; since: string } | undefined {
  const holder = readOwner(join(directory, LOCK_FILE));
  return holder && isAlive(holder.pid) ? { pid: holder.pid, since: holder.since } : undefined;
}

/**
 * Creates the file, whole, only if it does not exist; false if it does. The content is written
 * under a name of our own and linked into place, so nobody ever reads a lock cut short.
 */
function createExclusive(path: string, owner: LockOwner): boolean {
  const own = `${path}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(own, JSON.stringify(owner), { flag: "wx" });
  try {
    linkSync(own, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    unlinkSync(own);
  }
}

/** Removes the lock at path if, under the take-over lock, it is still stale; else waits a moment. */
function removeStaleLock(path: string, owner: LockOwner): void {
  const takeover = `${path}.takeover`;
  if (!createExclusive(takeover, owner)) {
    const taker = readOwner(takeover);
    // A taker that died mid-way leaves its take-over lock: set it aside under a name of our own.
    if (taker && taker.pid !== process.pid && !isAlive(taker.pid)) {
      const aside = `${takeover}.${process.pid}.${randomBytes(4).toString("hex")}`;
      try {
        renameSync(takeover, aside);
        unlinkSync(aside);
      } catch {
        // Another process set it aside first.
      }
    } else pause();
    return;
  }
  try {
    const holder = readOwner(path);
    if (!(holder && holder.pid !== process.pid && isAlive(holder.pid))) {
      try {
        unlinkSync(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
  } finally {
    unlinkSync(takeover);
  }
}

/** Waits a few milliseconds while another process takes a stale lock over. */
function pause(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
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
