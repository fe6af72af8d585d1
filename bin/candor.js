#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build`, which `npm ci` runs through `prepare`):
// plain Node starts it without compiling anything. CANDOR_FROM_SOURCE=1 (set by the test
// configuration) runs the TypeScript sources through tsx instead, so tests never run a stale
// build; so does a checkout that was installed without running its scripts (no dist/ yet).
import { existsSync } from "node:fs";

// A reader that stops early (`candor export … | head`) is not an error.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

const compiledMain = new URL("../dist/cli/main.js", import.meta.url);
const fromSource = process.env.CANDOR_FROM_SOURCE === "1" || !existsSync(compiledMain);
const { main } = fromSource ? await importSource() : await import(compiledMain.href);
process.exitCode = await main(process.argv.slice(2));

async function importSource() {
  const { register } = await import("tsx/esm/api");
  register();
  return import("../src/cli/main.ts");
}
