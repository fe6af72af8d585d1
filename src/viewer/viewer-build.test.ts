/**
 * The page ships prebuilt in src/viewer/dist so `candor view` works offline after `npm ci`; this
 * rebuilds it from src/viewer/app and fails when the committed build is stale
 * (`npm run build:viewer` makes it fresh).
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPOSITORY_ROOT, temporaryDirectory } from "../../test/run-fixture.ts";
import { VIEWER_ASSETS } from "./viewer-server.ts";

function filesUnder(directory: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(directory, path), readFileSync(path, "utf8"));
    }
  };
  walk(directory);
  return files;
}

describe("the shipped viewer page", () => {
  it("is exactly what its sources build to", () => {
    const outDir = temporaryDirectory("candor-viewer-build-");
    const build = spawnSync(
      process.execPath,
      [
        join(REPOSITORY_ROOT, "node_modules/vite/bin/vite.js"),
        "build",
        "--config",
        "src/viewer/app/vite.config.ts",
        "--outDir",
        outDir,
        "--emptyOutDir",
      ],
      // Vitest sets NODE_ENV=test, which would build the page in another mode.
      { cwd: REPOSITORY_ROOT, encoding: "utf8", env: { ...process.env, NODE_ENV: "production" } },
    );
    expect(build.status, build.stderr).toBe(0);
    const built = filesUnder(outDir);
    const shipped = filesUnder(VIEWER_ASSETS);
    expect([...shipped.keys()].sort(), "run npm run build:viewer").toEqual(
      [...built.keys()].sort(),
    );
    for (const [name, content] of built) expect(shipped.get(name), name).toBe(content);
  });

  it("has no inline script or style for the Content-Security-Policy to forbid", () => {
    const index = readFileSync(join(VIEWER_ASSETS, "index.html"), "utf8");
    expect(index).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(index).not.toMatch(/<style|\sstyle=|\son\w+=/);
    expect(index).not.toMatch(/https?:\/\//);
  });
});
