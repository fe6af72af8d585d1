import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createParticipants } from "../src/runner/create-participants.ts";
import { runExperiment } from "../src/runner/run-experiment.ts";
import { applyOverrides, type ExperimentOverrides } from "../src/spec/apply-overrides.ts";
import { loadExperiment } from "../src/spec/load-experiment.ts";

export const TINY_EXPERIMENT = join(import.meta.dirname, "fixtures/valid/experiment.yaml");
export const REPOSITORY_ROOT = join(import.meta.dirname, "..");

export function temporaryDirectory(prefix = "candor-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs an experiment file into a fresh runs directory, as `candor run` would. */
export async function runFixture(file = TINY_EXPERIMENT, overrides: ExperimentOverrides = {}) {
  const experiment = applyOverrides(loadExperiment(file), overrides);
  const runsDir = temporaryDirectory();
  const summary = await runExperiment(experiment, createParticipants(experiment), { runsDir });
  return { ...summary, runsDir, experiment };
}
