/**
 * `npm ci` installs node-llama-cpp's CPU build only: its GPU builds are opt-in and its ARM builds
 * install on ARM only (scripts/lean-lockfile.mjs marks them in package-lock.json). An `npm install`
 * that rewrites the lock without that script fails here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPOSITORY_ROOT } from "./run-fixture.ts";

interface LockEntry {
  os?: string[];
  cpu?: string[];
  libc?: string[];
}

const lock = JSON.parse(readFileSync(join(REPOSITORY_ROOT, "package-lock.json"), "utf8")) as {
  packages: Record<string, LockEntry>;
};
const build = (name: string) => lock.packages[`node_modules/@node-llama-cpp/${name}`] ?? {};

describe("a lean install", () => {
  it("leaves the CUDA and Vulkan builds to those who ask for them", () => {
    for (const name of ["linux-x64-cuda", "linux-x64-cuda-ext", "linux-x64-vulkan"])
      expect(build(name).libc, name).toEqual(["opt-in-gpu-build"]);
  });

  it("installs an ARM build on ARM only", () => {
    expect(build("linux-arm64").cpu).toEqual(["arm64"]);
    expect(build("linux-armv7l").cpu).toEqual(["arm"]);
  });

  it("keeps the CPU build, which the GGUF provider runs on", () => {
    expect(build("linux-x64")).toMatchObject({ os: ["linux"], cpu: ["x64"], libc: ["glibc"] });
  });
});
