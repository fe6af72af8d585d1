import { readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { PACKAGE_ROOT } from "../spec/package-files.ts";

export function candorVersion(): string {
  const manifest = JSON.parse(readFileSync(resolve(PACKAGE_ROOT, "package.json"), "utf8"));
  return String(manifest.version);
}

/**
 * The commit candor itself runs from, when it runs from a git checkout; null otherwise. Read from
 * the repository's files rather than by running `git`, which costs a process start (tens of
 * milliseconds) before every run's first call.
 */
export function gitRevision(root = PACKAGE_ROOT): string | null {
  try {
    const gitDirectory = findGitDirectory(resolve(root, ".git"));
    const head = readFileSync(resolve(gitDirectory, "HEAD"), "utf8").trim();
    if (!head.startsWith("ref: ")) return commitOrNull(head);
    return commitOrNull(readReference(gitDirectory, head.slice(5).trim()));
  } catch {
    return null;
  }
}

/** `.git` is a folder, or in a worktree or submodule a file naming the folder. */
function findGitDirectory(dotGit: string): string {
  if (statSync(dotGit).isDirectory()) return dotGit;
  const pointer = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, "utf8"))?.[1];
  if (!pointer) throw new Error("not a git checkout");
  return resolve(dirname(dotGit), pointer.trim());
}

function readReference(gitDirectory: string, name: string): string {
  // A worktree keeps HEAD apart but its branches in the common directory.
  const common = commonDirectory(gitDirectory);
  for (const directory of [gitDirectory, common]) {
    try {
      return readFileSync(resolve(directory, name), "utf8").trim();
    } catch {}
  }
  const packed = readFileSync(resolve(common, "packed-refs"), "utf8");
  const line = packed.split("\n").find((entry) => entry.endsWith(` ${name}`));
  return line?.split(" ")[0] ?? "";
}

function commonDirectory(gitDirectory: string): string {
  try {
    return resolve(gitDirectory, readFileSync(resolve(gitDirectory, "commondir"), "utf8").trim());
  } catch {
    return gitDirectory;
  }
}

function commitOrNull(text: string): string | null {
  return /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(text) ? text : null;
}
