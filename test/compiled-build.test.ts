/**
 * The bin as users get it: plain Node running the bundle in dist/ (every other test runs the
 * sources, see vitest.config.ts). The bundle is rebuilt first (esbuild takes seconds), so this
 * never passes on a stale build. Which sources a loaded file holds comes from the build's
 * metafile, so the checks below speak of source modules and packages, not of chunk names.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
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

/** The source modules and packages inside each output file, from esbuild's metafile. */
function bundledInputs(): Map<string, string[]> {
  const meta = JSON.parse(readFileSync(join(REPOSITORY_ROOT, "dist/build-meta.json"), "utf8")) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  return new Map(
    Object.entries(meta.outputs).map(([file, { inputs }]) => [file, Object.keys(inputs)]),
  );
}

/** Every source module and package file in the output files a process loaded. */
function loadedInputs(loaded: readonly string[]): string[] {
  const inputs = bundledInputs();
  return loaded.flatMap((url) => inputs.get(url) ?? []);
}

describe("the compiled CLI", () => {
  beforeAll(() => {
    const build = spawnSync("npm", ["run", "build"], { cwd: REPOSITORY_ROOT, encoding: "utf8" });
    expect(build.status, build.stdout + build.stderr).toBe(0);
  });

  it("bundles the CLI and the viewer's worker, beside the viewer's page, without test code", () => {
    const compiled = readdirSync(join(REPOSITORY_ROOT, "dist"), { recursive: true });
    expect(compiled).toContain(join("cli", "main.js"));
    expect(compiled).toContain(join("viewer", "viewer-worker.js"));
    expect(compiled).toContain(join("viewer", "dist", "index.html"));
    const everyInput = [...bundledInputs().values()].flat();
    expect(everyInput).toContain("src/providers/price-table.ts");
    expect(everyInput.filter((input) => input.endsWith(".test.ts"))).toEqual([]);
    // Native addons stay packages of their own, loaded from node_modules.
    expect(
      everyInput.filter((input) => /node_modules\/(better-sqlite3|node-llama-cpp)\//.test(input)),
    ).toEqual([]);
  });

  it("answers --version from compiled JavaScript, loading no TypeScript and no command", () => {
    const result = runCompiled(["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(packageVersion());
    expect(result.loaded).toContain("dist/cli/main.js");
    const project = result.loaded.filter((url) => !url.startsWith("node:"));
    expect(project.filter((url) => url.endsWith(".ts") || url.includes("/tsx/"))).toEqual([]);
    const inputs = loadedInputs(result.loaded);
    expect(inputs).toContain("src/runner/provenance.ts");
    expect(inputs.filter((input) => input.endsWith("-command.ts"))).toEqual([]);
    expect(inputs.filter((input) => /node_modules\/(zod|yaml|openai|vega)/.test(input))).toEqual(
      [],
    );
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
    const inputs = loadedInputs(result.loaded);
    expect(inputs).toContain("src/cli/run-command.ts");
    // Run reuses resume's helpers (it offers to resume an unfinished twin); nothing of the others.
    const otherCommands =
      /^src\/cli\/(validate|scenario|plan|report|list|remove|cache|judge|label|validate-judge|export|view|demo)-command\.ts$/;
    expect(inputs.filter((input) => otherCommands.test(input))).toEqual([]);
    // The simulated subject needs no provider SDK, no local model and no web server.
    const unused = /node_modules\/(openai|@anthropic-ai|node-llama-cpp|hono|@hono)\//;
    expect(inputs.filter((input) => unused.test(input))).toEqual([]);
    expect(result.loaded.filter((url) => unused.test(url))).toEqual([]);
  });
});
