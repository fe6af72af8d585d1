/**
 * The bin as users get it: plain Node running the compiled build in dist/ (every other test runs
 * the sources, see vitest.config.ts). The build is brought up to date first (tsc is incremental,
 * so this costs little when nothing changed), so this never passes on a stale build.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { REPOSITORY_ROOT, TINY_EXPERIMENT, temporaryDirectory } from "./run-fixture.ts";

/** Prints the URL of every module Node loads to stderr, one a line, prefixed so they can be told apart. */
const LOAD_HOOKS = `export async function load(url, context, next) {
  process._rawDebug("loaded " + url);
  return next(url, context);
}`;
const REGISTER_HOOKS = `import { register } from "node:module";
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(LOAD_HOOKS)}`)});`;
const TRACE_LOADS = `data:text/javascript,${encodeURIComponent(REGISTER_HOOKS)}`;

function runCompiled(args: readonly string[], fromSource?: "1") {
  const { CANDOR_FROM_SOURCE: _fromSource, ...inherited } = process.env;
  const environment = fromSource ? { ...inherited, CANDOR_FROM_SOURCE: fromSource } : inherited;
  const result = spawnSync(process.execPath, ["--import", TRACE_LOADS, "bin/candor.js", ...args], {
    cwd: REPOSITORY_ROOT,
    encoding: "utf8",
    env: environment,
  });
  const loaded = result.stderr
    .split("\n")
    .filter((line) => line.startsWith("loaded "))
    .map((line) => line.slice("loaded ".length).replace(`file://${REPOSITORY_ROOT}/`, ""));
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, loaded };
}

const packageVersion = (): string =>
  JSON.parse(
    spawnSync("npm", ["pkg", "get", "version"], { cwd: REPOSITORY_ROOT }).stdout.toString(),
  );

describe("the compiled CLI", () => {
  beforeAll(() => {
    const build = spawnSync("npm", ["run", "build"], { cwd: REPOSITORY_ROOT, encoding: "utf8" });
    expect(build.status, build.stdout + build.stderr).toBe(0);
  });

  it("mirrors src/ so paths computed from a module's location still resolve", () => {
    const compiled = readdirSync(join(REPOSITORY_ROOT, "dist"), { recursive: true });
    expect(compiled).toContain(join("cli", "main.js"));
    expect(compiled).toContain(join("providers", "price-table.js"));
    expect(compiled).toContain(join("viewer", "dist", "index.html"));
    expect(compiled.filter((file) => String(file).endsWith(".test.js"))).toEqual([]);
  });

  it("answers --version from compiled JavaScript, loading no TypeScript and no heavy module", () => {
    const result = runCompiled(["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(packageVersion());
    expect(result.loaded).toContain("dist/cli/main.js");
    const project = result.loaded.filter((url) => !url.startsWith("node:"));
    expect(project.filter((url) => url.endsWith(".ts") || url.includes("/tsx/"))).toEqual([]);
    expect(project.filter((url) => url.startsWith("dist/")).sort()).toEqual([
      "dist/cli/main.js",
      "dist/runner/provenance.js",
      "dist/spec/input-error.js",
    ]);
  });

  it("runs the TypeScript sources instead when the tests ask (CANDOR_FROM_SOURCE=1)", () => {
    expect(process.env.CANDOR_FROM_SOURCE).toBe("1");
    const result = runCompiled(["--version"], "1");
    expect(result.code).toBe(0);
    expect(result.loaded).toContain("src/cli/main.ts");
    expect(result.loaded.filter((url) => url.startsWith("dist/"))).toEqual([]);
  });

  it("runs a small experiment, loading the run command alone and none of the unused SDKs", () => {
    const runsDir = temporaryDirectory();
    const result = runCompiled(["run", TINY_EXPERIMENT, "--runs-dir", runsDir, "--yes", "--quiet"]);
    expect(result.code, result.stderr).toBe(0);
    expect(readdirSync(runsDir)).toHaveLength(1);
    expect(result.loaded.some((url) => url.endsWith(".ts"))).toBe(false);
    // Run reuses resume's helpers (it offers to resume an unfinished twin); nothing of the others.
    const otherCommands =
      /^dist\/cli\/(validate|scenario|plan|report|list|remove|cache|judge|label|validate-judge|export|view|demo)-command\.js$/;
    expect(result.loaded.filter((url) => otherCommands.test(url))).toEqual([]);
    // The simulated subject needs no provider SDK, no local model and no web server.
    const unused = /node_modules\/(openai|@anthropic-ai|node-llama-cpp|hono|@hono)\//;
    expect(result.loaded.filter((url) => unused.test(url))).toEqual([]);
  });
});
