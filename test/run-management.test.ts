/** candor rm, candor cache and judge --replace: nothing is removed or replaced without being meant. */
import { existsSync, mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireRunLock } from "../src/store/run-lock.ts";
import {
  rejudgeArguments,
  runCandor,
  runCandorSync,
  runFixture,
  temporaryDirectory,
} from "./run-fixture.ts";

describe("candor rm", () => {
  it("removes the runs named, and only after every one was checked", async () => {
    const runsDir = temporaryDirectory();
    const first = await runFixture(undefined, {}, runsDir);
    const second = await runFixture(undefined, {}, runsDir);
    const typo = runCandorSync(["rm", first.runId, "no-such-run", "--yes", "--runs-dir", runsDir]);
    expect(typo.code).toBe(2);
    expect(existsSync(first.directory)).toBe(true);

    const unasked = runCandorSync(["rm", first.runId, "--runs-dir", runsDir]);
    expect(unasked.code).toBe(2);
    expect(unasked.stderr).toMatch(/--yes/);
    expect(existsSync(first.directory)).toBe(true);

    const removed = runCandorSync([
      "rm",
      first.runId,
      second.directory,
      "--yes",
      "--runs-dir",
      runsDir,
    ]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(existsSync(first.directory)).toBe(false);
    expect(existsSync(second.directory)).toBe(false);
  });

  it("refuses a run another process is writing", async () => {
    const runsDir = temporaryDirectory();
    const run = await runFixture(undefined, {}, runsDir);
    const release = acquireRunLock(run.directory);
    try {
      const busy = await runCandor(["rm", run.runId, "--yes", "--runs-dir", runsDir]);
      expect(busy.code).toBe(2);
      expect(busy.stderr).toMatch(/being written by process/);
      expect(existsSync(run.directory)).toBe(true);
    } finally {
      release();
    }
  });
});

describe("candor cache", () => {
  const hex = (digit: string) => digit.repeat(64);

  function cacheWith(entries: Array<{ name: string; daysOld: number }>) {
    const directory = temporaryDirectory();
    for (const { name, daysOld } of entries) {
      const shard = join(directory, name.slice(0, 2));
      mkdirSync(shard, { recursive: true });
      const file = join(shard, `${name}.json`);
      writeFileSync(file, "{}");
      const when = new Date(Date.now() - daysOld * 86_400_000);
      utimesSync(file, when, when);
    }
    writeFileSync(join(directory, "notes.txt"), "not an entry");
    return directory;
  }

  it("counts entries and removes only those older than asked, nothing else in the folder", () => {
    const directory = cacheWith([
      { name: hex("a"), daysOld: 40 },
      { name: hex("b"), daysOld: 10 },
      { name: hex("c"), daysOld: 0 },
    ]);
    const stats = JSON.parse(
      runCandorSync(["cache", "stats", "--json", "--cache-dir", directory]).stdout,
    );
    expect(stats).toMatchObject({ entries: 3, bytes: 6 });
    const cleared = runCandorSync([
      "cache",
      "clear",
      "--older-than",
      "30d",
      "--yes",
      "--cache-dir",
      directory,
    ]);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(cleared.stdout).toMatch(/removed 1 entries/);
    expect(existsSync(join(directory, "aa"))).toBe(false);
    expect(existsSync(join(directory, "bb", `${hex("b")}.json`))).toBe(true);
    const all = runCandorSync(["cache", "clear", "--yes", "--cache-dir", directory]);
    expect(all.stdout).toMatch(/removed 2 entries/);
    expect(existsSync(join(directory, "notes.txt"))).toBe(true);
  });

  it("asks before clearing, and refuses a malformed age", () => {
    const directory = cacheWith([{ name: hex("d"), daysOld: 1 }]);
    expect(runCandorSync(["cache", "clear", "--cache-dir", directory]).code).toBe(2);
    expect(existsSync(join(directory, "dd", `${hex("d")}.json`))).toBe(true);
    expect(
      runCandorSync(["cache", "clear", "--older-than", "soon", "--cache-dir", directory]).code,
    ).toBe(2);
  });
});

describe("judge --set on an existing set", () => {
  it("refuses to judge a whole set again unless --replace", async () => {
    const run = await runFixture();
    const first = runCandorSync(rejudgeArguments(run.runId, run.runsDir));
    expect(first.code, first.stderr).toBe(0);
    const again = runCandorSync(rejudgeArguments(run.runId, run.runsDir));
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists.*--replace/);
    const replaced = runCandorSync([...rejudgeArguments(run.runId, run.runsDir), "--replace"]);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(replaced.stdout).toMatch(/judged \d+ trials into verdict set "again";/);
    expect(replaced.stdout).not.toMatch(/judged before/);
  });
});

describe("candor ls", () => {
  it("says when, what, who judged, which verdict sets, how far and at what cost", async () => {
    const run = await runFixture();
    runCandorSync(rejudgeArguments(run.runId, run.runsDir, "second-look"));
    const listing = runCandorSync(["ls", "--runs-dir", run.runsDir]);
    expect(listing.code).toBe(0);
    const line = listing.stdout.split("\n").find((text) => text.startsWith(run.runId)) ?? "";
    expect(line).toMatch(/ {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}/);
    expect(line).toContain("subjects sim:default");
    expect(line).toContain("judges checks,heuristic");
    expect(line).toContain("sets run,second-look");
    expect(line).toMatch(/complete \d+ {2}error 0 {2}pending 0 {2}cost \$0\.0000 {2}SIMULATED/);
  });

  it("refuses a runs directory that does not exist", () => {
    const missing = join(temporaryDirectory(), "no-such-folder");
    const listing = runCandorSync(["ls", "--runs-dir", missing]);
    expect(listing.code).toBe(2);
    expect(listing.stderr).toContain(`no runs directory ${missing}`);
  });
});
