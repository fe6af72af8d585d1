import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createParticipants } from "../src/runner/create-participants.ts";
import { runExperiment } from "../src/runner/run-experiment.ts";
import { applyOverrides, type ExperimentOverrides } from "../src/spec/apply-overrides.ts";
import { loadExperiment } from "../src/spec/load-experiment.ts";

export const TINY_EXPERIMENT = join(import.meta.dirname, "fixtures/valid/experiment.yaml");
export const REPOSITORY_ROOT = join(import.meta.dirname, "..");

/** Directories made by temporaryDirectory in this test file; removed after it (see the setup file). */
const temporaryDirectories: string[] = [];

export function temporaryDirectory(prefix = "candor-test-"): string {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  temporaryDirectories.push(directory);
  return directory;
}

/** Removes every directory temporaryDirectory made so far; the test setup runs it after each file. */
export function removeTemporaryDirectories(): void {
  for (const directory of temporaryDirectories.splice(0))
    rmSync(directory, { recursive: true, force: true, maxRetries: 3 });
}

/** Runs an experiment file into a fresh runs directory, as `candor run` would. */
export async function runFixture(
  file = TINY_EXPERIMENT,
  overrides: ExperimentOverrides = {},
  runsDir = temporaryDirectory(),
) {
  const experiment = applyOverrides(loadExperiment(file), overrides);
  const summary = await runExperiment(experiment, createParticipants(experiment), { runsDir });
  return { ...summary, runsDir, experiment };
}

export interface CandorResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process without blocking this one (stub servers keep serving). */
export function runCandor(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<CandorResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["bin/candor.js", ...args], {
      cwd: REPOSITORY_ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the real CLI and waits; for commands that need nothing served by this process. */
export function runCandorSync(args: readonly string[]): CandorResult {
  const result = spawnSync(process.execPath, ["bin/candor.js", ...args], {
    cwd: REPOSITORY_ROOT,
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
