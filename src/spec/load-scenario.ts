import { createHash } from "node:crypto";
import { InputError } from "./input-error.ts";
import { readYamlFile } from "./read-yaml-file.ts";
import { type ScenarioSpec, scenarioSchema } from "./scenario.ts";
import { parseWithSchema } from "./schema-issues.ts";
import { validateScenario } from "./validate-scenario.ts";

export interface LoadedScenario {
  spec: ScenarioSpec;
  file: string;
  /** sha256 of the file's bytes, so a run records exactly which text it used. */
  contentHash: string;
  source: string;
}

/** Reads, parses and validates one scenario file; throws an InputError naming file and field. */
export function loadScenario(file: string): LoadedScenario {
  return scenarioFromData(readYamlFile(file), file);
}

/** Validates scenario data already read (from a file, or from a run's stored copy). */
export function scenarioFromData(data: unknown, file: string): LoadedScenario {
  const spec = parseWithSchema(scenarioSchema, data, file);
  validateScenario(spec, file);
  const source = JSON.stringify(data);
  return { spec, file, contentHash: sha256(source), source };
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function assertScenarioId(loaded: LoadedScenario, expectedId: string): void {
  if (loaded.spec.id !== expectedId) {
    throw new InputError(`is "${loaded.spec.id}", but the file is named for "${expectedId}"`, {
      file: loaded.file,
      field: "id",
    });
  }
}
