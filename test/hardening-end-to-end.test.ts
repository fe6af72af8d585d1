/**
 * The hardening faults, through the real CLI: damaged and read-only runs, left-over builds,
 * SIGTERM, write failures and interrupted re-judging.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { HeuristicJudge } from "../src/judges/heuristic-judge.ts";
import { writeFileAtomically } from "../src/report/write-report.ts";
import { createParticipants } from "../src/runner/create-participants.ts";
import { expandTrials } from "../src/runner/expand-trials.ts";
import { judgeRun } from "../src/runner/judge-run.ts";
import { executeTrials } from "../src/runner/run-experiment.ts";
import { loadRunExperiment } from "../src/store/load-run-experiment.ts";
import { RunStore } from "../src/store/run-store.ts";
import { RunCatalog } from "../src/viewer/run-catalog.ts";
import {
  mediumRunArguments,
  REPOSITORY_ROOT,
  runCandorSync,
  runFixture,
  temporaryDirectory,
} from "./run-fixture.ts";

function damagedRun(content: string): { runsDir: string; file: string } {
  const runsDir = temporaryDirectory();
  mkdirSync(join(runsDir, "broken"));
  const file = join(runsDir, "broken", "run.sqlite");
  writeFileSync(file, content);
  return { runsDir, file };
}

describe("an empty or damaged run database", () => {
  it.each([
    ["empty", ""],
    ["garbage", "not a database at all, only garbage. ".repeat(300)],
  ])(
    "(%s) gets one message naming the file from every reading command, and is left as it is",
    (_, content) => {
      const { runsDir, file } = damagedRun(content);
      const before = { bytes: readFileSync(file), mtime: statSync(file).mtimeMs };
      for (const args of [
        ["validate-judge", "broken"],
        ["report", "broken", "--format", "json"],
        ["report", "broken"],
        ["export", "broken", "--format", "jsonl"],
      ]) {
        const result = runCandorSync([...args, "--runs-dir", runsDir]);
        expect(result.code, args.join(" ")).toBe(2);
        expect(result.stderr).toContain(file);
        expect(result.stderr.trim().split("\n")).toHaveLength(1);
        expect(result.stderr).not.toMatch(/\n\s+at /);
      }
      const list = runCandorSync(["ls", "--runs-dir", runsDir]);
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(/broken {2}unreadable: .*run\.sqlite/);
      expect({ bytes: readFileSync(file), mtime: statSync(file).mtimeMs }).toEqual(before);
      expect(new RunCatalog(runsDir).list().unreadable).toHaveLength(1);
      expect({ bytes: readFileSync(file), mtime: statSync(file).mtimeMs }).toEqual(before);
    },
  );
});

describe("left-over .partial builds", () => {
  it("are neither listed nor resumed as runs; ls says once how to remove them", async () => {
    const { directory, runsDir } = await runFixture();
    const partial = `${directory}.partial`;
    cpSync(directory, partial, { recursive: true });
    const list = runCandorSync(["ls", "--runs-dir", runsDir]);
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split("\n");
    expect(lines.filter((line) => line.startsWith(basename(directory)))).toHaveLength(1);
    expect(lines.filter((line) => line.includes(".partial"))).toHaveLength(1);
    expect(list.stdout).toContain(`rm -r ${partial}`);
    const resumed = runCandorSync(["resume", basename(partial), "--runs-dir", runsDir, "--quiet"]);
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toMatch(/unfinished run build/);
    expect(existsSync(join(partial, "report.html"))).toBe(false);
    const catalog = new RunCatalog(runsDir);
    try {
      expect(catalog.list().runs.map((run) => run.runId)).toEqual([basename(directory)]);
      expect(() => catalog.open(basename(partial))).toThrow(/no run/);
    } finally {
      catalog.close();
    }
  });
});

describe("writing files", () => {
  it("writes a report file atomically and names the file when it cannot", () => {
    const directory = temporaryDirectory();
    const target = join(directory, "report.md");
    writeFileSync(target, "the old report");
    expect(() =>
      writeFileAtomically(target, "a new report", (file, text) => {
        writeFileSync(file, text.slice(0, 3));
        throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
      }),
    ).toThrow(`could not write ${target}: ENOSPC`);
    expect(readFileSync(target, "utf8")).toBe("the old report");
    expect(readdir(directory)).toEqual(["report.md"]);
    const blocked = join(directory, "report.html");
    mkdirSync(blocked);
    expect(() => writeFileAtomically(blocked, "<html>")).toThrow(`could not write ${blocked}`);
    expect(readdir(directory)).toEqual(["report.html", "report.md"]);
  });

  it("candor report names the report file it cannot write; --format json still works", async () => {
    const { directory } = await runFixture();
    mkdirSync(join(directory, "report.md"));
    const result = runCandorSync(["report", directory, "--format", "md"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`could not write ${join(directory, "report.md")}`);
    expect(runCandorSync(["report", directory, "--format", "json"]).code).toBe(0);
  });

  it("a write failure during a run names the run directory and stops it resumably", async () => {
    const { directory } = await runFixture();
    const store = RunStore.open(directory);
    try {
      const experiment = loadRunExperiment(store);
      store.saveTrials = () => {
        throw new Error("database or disk is full");
      };
      const { stoppedBecause } = await executeTrials(
        store,
        expandTrials(experiment),
        experiment,
        createParticipants(experiment),
        { runsDir: temporaryDirectory() },
      );
      expect(stoppedBecause).toContain(directory);
      expect(stoppedBecause).toContain("database or disk is full");
    } finally {
      store.close();
    }
  });
});

describe("candor judge", () => {
  it("shows progress, finishes an interrupted set, and a partial set is reported as partial", async () => {
    const { directory } = await runFixture();
    // On a terminal (a pseudo-terminal from script(1)), progress bars as `run` shows them.
    const command = `${process.execPath} bin/candor.js judge ${directory} --judge heuristic --set again`;
    const first = spawnSync("script", ["-qec", command, "/dev/null"], {
      cwd: REPOSITORY_ROOT,
      encoding: "utf8",
    });
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/\| \d+\/\d+ trials \|/);
    expect(first.stdout).toMatch(/judged \d+ trials into verdict set "again"/);
    const whole = JSON.parse(
      runCandorSync(["report", directory, "--judges", "again", "--format", "json"]).stdout,
    );
    const total = whole.verdict_set_coverage.of as number;
    expect(whole.verdict_set_coverage).toMatchObject({ trials: total, complete: true });

    // Ctrl-C after the first trial: that trial is written whole, no other starts.
    const store = RunStore.open(directory);
    const controller = new AbortController();
    try {
      store.database.exec("DELETE FROM verdicts WHERE verdict_set = 'again'");
      store.database.exec("DELETE FROM outcomes WHERE verdict_set = 'again'");
      const summary = await judgeRun(
        store,
        loadRunExperiment(store),
        [new HeuristicJudge()],
        "again",
        { signal: controller.signal, onTrialJudged: () => controller.abort() },
      );
      expect(summary).toMatchObject({ judged: 1, stoppedBecause: "interrupted" });
    } finally {
      store.close();
    }
    const partial = runCandorSync(["report", directory, "--judges", "again", "--format", "json"]);
    expect(JSON.parse(partial.stdout).verdict_set_coverage).toMatchObject({
      trials: 1,
      of: total,
      complete: false,
    });
    expect(partial.stderr).toMatch(/partial/);
    const html = runCandorSync(["report", directory, "--judges", "again", "--format", "md"]);
    expect(html.code).toBe(0);
    expect(readFileSync(join(directory, "report-again.md"), "utf8")).toContain(
      `PARTIAL: covers 1 of the run's ${total} judged trials`,
    );
    expect(readFileSync(join(directory, "report-again.html"), "utf8")).toContain("PARTIAL");

    const stranger = runCandorSync([
      "judge",
      directory,
      "--judge",
      "sim:default",
      "--set",
      "again",
    ]);
    expect(stranger.code).toBe(2);
    expect(stranger.stderr).toMatch(/finish it with the same judges/);
    const finished = runCandorSync(["judge", directory, "--judge", "heuristic", "--set", "again"]);
    expect(finished.code).toBe(0);
    expect(finished.stdout).toContain(`judged ${total - 1} trials`);
    expect(finished.stdout).toContain("(1 judged before)");
    const after = JSON.parse(
      runCandorSync(["report", directory, "--judges", "again", "--format", "json"]).stdout,
    );
    expect(after.verdict_set_coverage).toMatchObject({ trials: total, complete: true });
  });
});

describe("stop signals", () => {
  function startRun(runsDir: string) {
    const child = spawn(process.execPath, ["bin/candor.js", ...mediumRunArguments(runsDir)], {
      cwd: REPOSITORY_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      child.on("close", (code) => resolve({ code, stdout, stderr })),
    );
    return { child, exit };
  }

  /** The run directory once its writer holds the lock and has written a trial. */
  async function runBeingWritten(runsDir: string): Promise<string> {
    for (;;) {
      const names = existsSync(runsDir)
        ? readdir(runsDir).filter((name) => !name.endsWith(".partial"))
        : [];
      const directory = names[0] && join(runsDir, names[0]);
      if (directory && existsSync(join(directory, "run.lock"))) {
        const store = RunStore.openForReading(directory);
        const { complete } = store.statusCounts();
        store.close();
        if (complete > 0) return directory;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  it("SIGTERM stops like Ctrl-C: trials written, report, resume hint, lock released", async () => {
    const runsDir = temporaryDirectory();
    const { child, exit } = startRun(runsDir);
    const directory = await runBeingWritten(runsDir);
    child.kill("SIGTERM");
    const { code, stdout, stderr } = await exit;
    expect(code).toBe(1);
    expect(stderr).toMatch(/stopped: interrupted; finish with: candor resume \S+/);
    expect(stdout).toMatch(/trials \d+ complete, 0 error, \d+ pending/);
    expect(existsSync(join(directory, "report.html"))).toBe(true);
    expect(existsSync(join(directory, "run.lock"))).toBe(false);
  }, 180_000);

  it("a second stop signal exits at once with 130, the resume hint and no lock", async () => {
    const runsDir = temporaryDirectory();
    const { child, exit } = startRun(runsDir);
    const directory = await runBeingWritten(runsDir);
    child.kill("SIGTERM");
    child.kill("SIGINT");
    const { code, stderr } = await exit;
    expect(code).toBe(130);
    expect(stderr).toContain(`finish with: candor resume ${directory}`);
    expect(existsSync(join(directory, "run.lock"))).toBe(false);
  }, 180_000);
});

function readdir(directory: string): string[] {
  return readdirSync(directory).sort();
}
