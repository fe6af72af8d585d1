import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPOSITORY_ROOT, temporaryDirectory } from "../../test/run-fixture.ts";
import { LOCK_FILE } from "./run-lock.ts";

const LOCK_MODULE = process.env.CANDOR_LOCK_MODULE ?? join(import.meta.dirname, "run-lock.ts");

/** A child that loads the lock, says "ready", spins until the go file exists, then tries once. */
function acquirer(directory: string, go: string): ChildProcess {
  const script = `
    import { existsSync } from "node:fs";
    const { acquireRunLock } = await import(${JSON.stringify(LOCK_MODULE)});
    process.stdout.write("ready\\n");
    while (!existsSync(${JSON.stringify(go)})) {}
    try { acquireRunLock(${JSON.stringify(directory)}); process.stdout.write("won\\n"); }
    catch (error) { process.stdout.write("lost " + error.name + "\\n"); }
    process.stdin.resume();
    process.stdin.on("end", () => process.exit(0));
  `;
  return spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: REPOSITORY_ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
}

function lines(child: ChildProcess, count: number): Promise<string[]> {
  let output = "";
  return new Promise((resolve) => {
    child.stdout?.on("data", (chunk) => {
      output += chunk;
      const got = output.split("\n").filter(Boolean);
      if (got.length >= count) resolve(got);
    });
  });
}

describe("the run lock", () => {
  it("lets exactly one of many processes racing for a stale lock take it", async () => {
    for (let round = 0; round < 4; round++) {
      const directory = temporaryDirectory();
      const dead = spawnSync(process.execPath, ["-e", ""]).pid;
      writeFileSync(
        join(directory, LOCK_FILE),
        JSON.stringify({ pid: dead, command: "gone", since: "2026-01-01T00:00:00.000Z" }),
      );
      const go = join(directory, "go");
      const children = Array.from({ length: 12 }, () => acquirer(directory, go));
      const outputs = children.map((child) => lines(child, 2));
      await Promise.all(children.map((child) => lines(child, 1)));
      writeFileSync(go, "");
      const results = (await Promise.all(outputs)).map((output) => output[1]);
      for (const child of children) child.stdin?.end();
      await Promise.all(children.map((child) => new Promise((done) => child.on("close", done))));
      expect(
        results.filter((result) => result === "won"),
        results.join(", "),
      ).toHaveLength(1);
      expect(results.filter((result) => result === "lost RunLockedError")).toHaveLength(11);
    }
  }, 120_000);
});
