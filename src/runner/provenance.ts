import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export function candorVersion(): string {
  const manifest = JSON.parse(readFileSync(resolve(PACKAGE_ROOT, "package.json"), "utf8"));
  return String(manifest.version);
}

/** The commit candor itself runs from, when it runs from a git checkout; null otherwise. */
export function gitRevision(): string | null {
  try {
    const revision = execFileSync("git", ["rev-parse", "HEAD"], {
      cwd: PACKAGE_ROOT,
      stdio: ["ignore", "pipe", "ignore"],
    });
    return revision.toString().trim() || null;
  } catch {
    return null;
  }
}
