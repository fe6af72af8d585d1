import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where candor's own files are. The code runs from the TypeScript sources (tests, tsx) or from
 * the bundle in dist/, whose modules sit at other depths than their sources, so paths are found
 * from the package's root, never counted up from a module's own folder.
 */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** Run from the TypeScript sources rather than from the build in dist/. */
export const RUNS_FROM_SOURCE = import.meta.url.endsWith(".ts");

/** A file shipped with the package: `packageFile("profiles", "prices.yaml")`. */
export function packageFile(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}

/** A file that sits beside the code: under src/ when run from source, under dist/ when built. */
export function codeFile(...parts: string[]): string {
  return join(PACKAGE_ROOT, RUNS_FROM_SOURCE ? "src" : "dist", ...parts);
}

function findPackageRoot(start: string): string {
  for (let folder = start; ; folder = dirname(folder)) {
    const manifest = join(folder, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === "candor")
      return folder;
    if (dirname(folder) === folder)
      throw new Error(`candor's package.json was not found above ${start}`);
  }
}
