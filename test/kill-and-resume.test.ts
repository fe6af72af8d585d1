/**
 * Runs that survive kill -9: a run killed at many moments and resumed each time ends with exactly
 * the planned trials, all complete, none twice. And one writer per run directory.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SeededRandom } from "../src/providers/sim/seeded-random.ts";
import {
  mediumRunArguments,
  REPOSITORY_ROOT,
  runCandorSync,
  temporaryDirectory,
} from "./run-fixture.ts";

const EXPERIMENT_ARGS = ["experiments/paper.yaml", "--samples", "150"];

function start(args: string[]): ChildProcess {
  return spawn(process.execPath, ["bin/candor.js", ...args], {
    cwd: REPOSITORY_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function finished(
  child: ChildProcess,
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stderr })),
  );
}

/** The run directory once it exists under its final name (it appears atomically). */
function runDirectory(runsDir: string): string | undefined {
  const names = existsSync(runsDir)
    ? readdirSync(runsDir).filter((name) => !name.endsWith(".partial"))
    : [];
  expect(names.length).toBeLessThanOrEqual(1);
  return names[0] ? join(runsDir, names[0]) : undefined;
}

function startMediumRun(runsDir: string): ChildProcess {
  return start(mediumRunArguments(runsDir));
}

/** Waits until the run directory exists and its writer holds the lock (trials are being written). */
async function runDirectoryOnceWritten(runsDir: string): Promise<string> {
  for (;;) {
    const directory = runDirectory(runsDir);
    if (directory && existsSync(join(directory, "run.lock"))) return directory;
    await sleep(50);
  }
}

/** Until the child holds the run's lock (its pid in run.lock), or has exited. */
async function lockTakenBy(child: ChildProcess, runsDir: string, exit: Promise<unknown>) {
  let exited = false;
  void exit.then(() => (exited = true));
  while (!exited) {
    const directory = runDirectory(runsDir);
    const lock = directory ? join(directory, "run.lock") : undefined;
    try {
      if (lock && JSON.parse(readFileSync(lock, "utf8")).pid === child.pid) return;
    } catch {
      // Not written yet, or being replaced: look again.
    }
    await sleep(50);
  }
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

describe("kill -9 and resume", () => {
  it("completes exactly the planned trials after ten kills at random moments", async () => {
    const runsDir = temporaryDirectory();
    const random = new SeededRandom(20261125);
    const kills: number[] = [];
    const completedAfterKill: number[] = [];
    // At least ten kills, and until three of them have landed mid-run (bounded either way).
    const midRunKills = () =>
      new Set(completedAfterKill.filter((count) => count > 0 && count < 6000)).size;
    while ((kills.length < 10 || midRunKills() < 3) && kills.length < 25) {
      const directory = runDirectory(runsDir);
      const child = start(
        directory
          ? ["resume", directory, "--quiet"]
          : ["run", ...EXPERIMENT_ARGS, "--quiet", "--runs-dir", runsDir],
      );
      const exit = finished(child);
      // Some kills land during start-up or while the run is being created; the rest a random
      // moment after the process took the run's lock, however long start-up took on a loaded
      // machine, so that enough of them land while trials are being written.
      const early = random.next() < 0.3;
      if (!early) await lockTakenBy(child, runsDir, exit);
      const delay = Math.round(random.next() * 1500);
      await sleep(delay);
      child.kill("SIGKILL");
      kills.push(early ? delay : -delay);
      await exit;
      const listing = runCandorSync(["ls", "--runs-dir", runsDir]).stdout;
      completedAfterKill.push(Number(/complete (\d+)/.exec(listing)?.[1] ?? 0));
    }
    // The kills must land mid-run, between trials being written, not all before or after the run.
    const midRun = completedAfterKill.filter((count) => count > 0 && count < 6000);
    expect(
      new Set(midRun).size,
      `completed after each kill: ${completedAfterKill.join(", ")}`,
    ).toBeGreaterThanOrEqual(3);
    const directory = runDirectory(runsDir) ?? "";
    expect(directory, `no run directory after kills at ${kills.join(", ")} ms`).not.toBe("");
    const last = await finished(start(["resume", directory, "--quiet"]));
    expect(last.stderr).toBe("");
    expect(last.code).toBe(0);

    const planned = JSON.parse(runCandorSync(["plan", ...EXPERIMENT_ARGS, "--json"]).stdout).trials;
    const trials = runCandorSync(["export", directory, "--format", "jsonl"])
      .stdout.trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(trials).toHaveLength(planned);
    expect(new Set(trials.map((trial: { trial_id: string }) => trial.trial_id)).size).toBe(planned);
    expect(trials.every((trial: { status: string }) => trial.status === "complete")).toBe(true);
    for (const trial of trials as Array<{ turns: Array<{ index: number }> }>) {
      expect(trial.turns.map((turn) => turn.index)).toEqual(
        trial.turns.map((_turn, index) => index),
      );
    }
  }, 400_000);

  it("lets one process write a run; a second is told which process holds it", async () => {
    const runsDir = temporaryDirectory();
    const writer = startMediumRun(runsDir);
    const writerExit = finished(writer);
    const directory = await runDirectoryOnceWritten(runsDir);
    const second = runCandorSync(["resume", directory, "--quiet"]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`is being written by process ${writer.pid}`);

    writer.kill("SIGKILL");
    await writerExit;
    const after = runCandorSync(["resume", directory, "--quiet"]);
    expect(after.stderr).toBe("");
    expect(after.code).toBe(0);
  }, 180_000);

  it("stops cleanly on Ctrl-C, writes what was in flight, and says how to resume", async () => {
    const runsDir = temporaryDirectory();
    const child = startMediumRun(runsDir);
    let stdout = "";
    child.stdout?.on("data", (chunk) => (stdout += chunk));
    const exit = finished(child);
    const directory = await runDirectoryOnceWritten(runsDir);
    await sleep(1000);
    child.kill("SIGINT");
    const { code, stderr } = await exit;
    expect(code).toBe(1);
    expect(stderr).toMatch(/stopped: interrupted; finish with: candor resume \S+/);
    const counts = /trials (\d+) complete, 0 error, (\d+) pending/.exec(stdout);
    expect(Number(counts?.[1])).toBeGreaterThan(0);
    expect(Number(counts?.[2])).toBeGreaterThan(0);
    const resumed = runCandorSync(["resume", directory, "--quiet"]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/trials 4800 complete, 0 error, 0 pending/);
  }, 180_000);
});
