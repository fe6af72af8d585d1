import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { SCENARIO_PATH } from "./experiment.ts";
import { InputError } from "./input-error.ts";
import { packageFile } from "./package-files.ts";

/** The `scenario_dir` entry that names the scenarios bundled with candor. */
export const BUNDLED_SCENARIOS = "candor:scenarios";

const BUNDLED_FOLDER = packageFile("scenarios");

/** The folders an experiment's scenario ids are looked up in, in the order written. */
export function scenarioFolders(scenarioDir: string | readonly string[], file: string): string[] {
  const entries = typeof scenarioDir === "string" ? [scenarioDir] : scenarioDir;
  return entries.map((entry) =>
    entry === BUNDLED_SCENARIOS ? BUNDLED_FOLDER : resolve(dirname(file), entry),
  );
}

/** A reference is a path when it names a .yaml file; otherwise it is an id. */
export function isScenarioPath(reference: string): boolean {
  return SCENARIO_PATH.test(reference);
}

/**
 * The file a reference names: a path relative to the experiment file, or ID.yaml in exactly one
 * of the scenario folders. Not found, or found twice, is an InputError that says how references
 * resolve.
 */
export function resolveScenarioFile(
  reference: string,
  folders: readonly string[],
  file: string,
  field: string,
): string {
  if (isScenarioPath(reference)) {
    const path = resolve(dirname(file), reference);
    if (!existsSync(path)) {
      throw new InputError(`there is no ${path} (a path is read relative to the experiment file)`, {
        file,
        field,
      });
    }
    return path;
  }
  const found = folders.map((folder) => join(folder, `${reference}.yaml`)).filter(existsSync);
  if (found.length === 1) return found[0] as string;
  if (found.length > 1) {
    throw new InputError(
      `"${reference}" is in more than one scenario folder (${found.join(", ")}); name the one you mean by its path, e.g. ${found[0]}`,
      { file, field },
    );
  }
  throw new InputError(
    `unknown scenario: no ${reference}.yaml in ${folders.join(", ")}. An id is looked up as ID.yaml in scenario_dir (relative to the experiment file; a list searches each folder, "${BUNDLED_SCENARIOS}" names candor's own); a path to a .yaml file is read relative to the experiment file`,
    { file, field },
  );
}
