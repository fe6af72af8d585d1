import type Database from "better-sqlite3";
import { experimentSchema } from "../spec/experiment.ts";
import { configureScenario, type LoadedExperiment } from "../spec/load-experiment.ts";
import { scenarioFromData } from "../spec/load-scenario.ts";
import { type MeasurementDesign, recordedDesign } from "../spec/measurement-design.ts";
import type { ScenarioSpec } from "../spec/scenario.ts";
import { parseWithSchema } from "../spec/schema-issues.ts";
import type { RunStore } from "./run-store.ts";

/**
 * The experiment exactly as the run recorded it (overrides applied, scenario texts as they were),
 * so resuming never picks up edits made to the files since.
 */
export function loadRunExperiment(store: RunStore): LoadedExperiment {
  const metadata = store.metadata();
  const where = `${store.directory} (stored experiment)`;
  const spec = parseWithSchema(experimentSchema, metadata.experiment, where);
  const legacy = metadata.design.version === 1;
  const stored = store.database
    .prepare("SELECT scenario_id, file, source_json FROM scenarios")
    .all() as Array<{ scenario_id: string; file: string; source_json: string }>;
  const byId = new Map(stored.map((row) => [row.scenario_id, row]));
  const scenarios = spec.scenarios.map((entry, index) => {
    const id = typeof entry === "string" ? entry : entry.id;
    const row = byId.get(id);
    if (!row) throw new Error(`${store.directory}: the run has no stored copy of scenario ${id}`);
    return configureScenario(
      scenarioFromData(JSON.parse(row.source_json), row.file, { legacy }),
      entry,
      index,
      spec.arms,
      where,
    );
  });
  return {
    spec,
    file: metadata.experimentFile,
    contentHash: metadata.experimentHash,
    scenarios,
    design: metadata.design,
  };
}

/** The run's stored copy of one scenario; undefined if absent or no longer valid (older candor). */
export function storedScenario(
  database: Database.Database,
  scenarioId: string,
): ScenarioSpec | undefined {
  const row = database
    .prepare("SELECT file, source_json FROM scenarios WHERE scenario_id = ?")
    .get(scenarioId) as { file: string; source_json: string } | undefined;
  if (!row) return undefined;
  try {
    const legacy = storedDesign(database).version === 1;
    return scenarioFromData(JSON.parse(row.source_json), row.file, { legacy }).spec;
  } catch {
    return undefined;
  }
}

/** The design a run recorded, read straight from its metadata table. */
export function storedDesign(database: Database.Database): MeasurementDesign {
  const row = database.prepare("SELECT value FROM run_metadata WHERE key = 'design'").get() as
    | { value: string }
    | undefined;
  return recordedDesign(row ? JSON.parse(row.value) : undefined);
}
