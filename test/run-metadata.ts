import { designOf } from "../src/spec/measurement-design.ts";
import type { RunMetadata } from "../src/store/run-store.ts";
import { STORE_SCHEMA_VERSION } from "../src/store/schema.ts";

/** A new run's metadata for store tests: a simulated one-subject run unless told otherwise. */
export function testRunMetadata(overrides: Partial<RunMetadata> = {}): RunMetadata {
  return {
    runId: "run-1",
    experimentId: "exp",
    title: "A test run",
    createdAt: "2026-11-25T00:00:00.000Z",
    candorVersion: "0.0.0",
    gitRevision: null,
    experimentFile: "exp.yaml",
    experimentHash: "abc",
    experiment: { id: "exp" },
    subjects: ["sim:default"],
    judges: ["checks", "heuristic"],
    design: designOf({ judge_view: "blind", intervention_format: "protocol" }),
    simulated: true,
    schemaVersion: STORE_SCHEMA_VERSION,
    ...overrides,
  };
}
