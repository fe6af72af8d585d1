import { createHash } from "node:crypto";
import { InputError } from "./input-error.ts";
import { readYamlFile } from "./read-yaml-file.ts";
import { type ScenarioSpec, scenarioSchema } from "./scenario.ts";
import { parseWithSchema } from "./schema-issues.ts";
import { stepFieldHint } from "./step-field-hint.ts";
import { validateScenario } from "./validate-scenario.ts";

export interface LoadedScenario {
  spec: ScenarioSpec;
  file: string;
  /** sha256 of the file's bytes, so a run records exactly which text it used. */
  contentHash: string;
  source: string;
  /**
   * A run's stored copy: its patterns were accepted when the run was made, before scenario
   * patterns had to suit linear-time matching, and are matched as they were (see safe-pattern.ts).
   */
  storedCopy?: boolean;
}

/** Reads, parses and validates one scenario file; throws an InputError naming file and field. */
export function loadScenario(file: string): LoadedScenario {
  return scenarioFromData(readYamlFile(file), file, { storedCopy: false });
}

/**
 * Validates scenario data already read (from a file, or from a run's stored copy). A copy stored
 * by a run made under the legacy design (before interventions had a reasoning part and harmful
 * steps a neutral counterpart) is read in the old format, so that run can still be reported,
 * re-judged and resumed as it was made. A stored copy's patterns are matched as they were when
 * the run was made (see LoadedScenario.storedCopy).
 */
export function scenarioFromData(
  data: unknown,
  file: string,
  options: { legacy?: boolean; storedCopy?: boolean } = {},
): LoadedScenario {
  const source = JSON.stringify(data);
  const scenario = options.legacy ? upgradeLegacy(data) : data;
  const spec = parseWithSchema(scenarioSchema, scenario, file, stepFieldHint);
  // Data not read from a scenario file here is a run's stored copy unless the caller says not.
  const storedCopy = options.storedCopy ?? true;
  validateScenario(spec, file, { requireNeutral: !options.legacy, storedCopy });
  return { spec, file, contentHash: sha256(source), source, ...(storedCopy ? { storedCopy } : {}) };
}

/** Text that stands for the reasoning part legacy interventions never had (never shown: bare). */
const LEGACY_REASONING = "(none: interventions had no reasoning part before design version 2)";

function upgradeLegacy(data: unknown): unknown {
  if (!data || typeof data !== "object") return data;
  const scenario = data as { interventions?: Record<string, unknown> };
  const interventions = Object.fromEntries(
    Object.entries(scenario.interventions ?? {}).map(([arm, turn]) => [
      arm,
      typeof turn === "string" ? { reasoning: LEGACY_REASONING, output: turn } : turn,
    ]),
  );
  return { ...scenario, interventions };
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
