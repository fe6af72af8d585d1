import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createParticipants } from "../src/runner/create-participants.ts";
import { runExperiment } from "../src/runner/run-experiment.ts";
import { applyOverrides, type ExperimentOverrides } from "../src/spec/apply-overrides.ts";
import { loadExperiment } from "../src/spec/load-experiment.ts";

export const TINY_EXPERIMENT = join(import.meta.dirname, "fixtures/valid/experiment.yaml");
export const REPOSITORY_ROOT = join(import.meta.dirname, "..");

/** The id of the run in test/fixtures/legacy-run, made before the store recorded a design. */
export const LEGACY_RUN = "20261204-075202-paper-legacy";

/** Copies the legacy run into runsDir under LEGACY_RUN, as if it had been made there. */
export function copyLegacyRun(runsDir: string): void {
  mkdirSync(join(runsDir, LEGACY_RUN));
  copyFileSync(
    join(REPOSITORY_ROOT, "test/fixtures/legacy-run/run.sqlite"),
    join(runsDir, LEGACY_RUN, "run.sqlite"),
  );
}

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

/** Runs the real CLI for a command that makes a run; the id from its "run <id>" line, or throws. */
export async function runCandorForId(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<string> {
  const result = await runCandor(args, env);
  const id = /^run (\S+)/m.exec(result.stdout)?.[1];
  if (!id) throw new Error(`candor ${args.join(" ")} failed: ${result.stderr}`);
  return id;
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

/**
 * The arguments of a `candor run` against a local stub server: one experiment, the models that
 * stand in for subject and judge, a few samples, uncached unless a cache directory is given.
 */
export function stubRunArguments(options: {
  experiment: string;
  subject: string;
  judge?: string;
  samples: number;
  scenario?: string;
  baseURL: string;
  runsDir: string;
  cacheDir?: string;
}): string[] {
  return [
    "run",
    options.experiment,
    "--subject",
    options.subject,
    ...(options.judge ? ["--judge", options.judge] : []),
    "--samples",
    String(options.samples),
    ...(options.scenario ? ["--scenario", options.scenario] : []),
    "--runs-dir",
    options.runsDir,
    ...(options.cacheDir ? ["--cache-dir", options.cacheDir] : ["--no-cache"]),
    "--base-url",
    options.baseURL,
    "--yes",
    "--quiet",
  ];
}

/** `candor run` of the tiny experiment, simulated, into runsDir: every sample unless told how many. */
export function tinyRunArguments(runsDir: string, samples?: number): string[] {
  const sampleCount = samples === undefined ? [] : ["--samples", String(samples)];
  return ["run", TINY_EXPERIMENT, ...sampleCount, "--runs-dir", runsDir, "--quiet"];
}

/** One sample of the tiny experiment, its subject and judge both served by the stub at baseURL. */
export function tinyStubRunArguments(baseURL: string, runsDir: string): string[] {
  return stubRunArguments({
    experiment: TINY_EXPERIMENT,
    subject: "openai:stub-model",
    judge: "openai:stub-judge",
    samples: 1,
    baseURL,
    runsDir,
  });
}

/** A 4,800-trial run of the paper experiment: long enough to be caught mid-way by a signal. */
export function mediumRunArguments(runsDir: string): string[] {
  return ["run", "experiments/paper.yaml", "--samples", "100", "--quiet", "--runs-dir", runsDir];
}

/** `candor judge` of a run again with the deterministic heuristic, into a verdict set of its own. */
export function rejudgeArguments(runId: string, runsDir: string, set = "again"): string[] {
  return ["judge", runId, "--judge", "heuristic", "--set", set, "--runs-dir", runsDir];
}

/** `candor report RUN --format json`, of the run's own verdicts or of another verdict set. */
export function reportJson(runId: string, runsDir: string, verdictSet?: string) {
  const judges = verdictSet ? ["--judges", verdictSet] : [];
  const args = ["report", runId, "--format", "json", ...judges, "--runs-dir", runsDir];
  return JSON.parse(runCandorSync(args).stdout);
}
