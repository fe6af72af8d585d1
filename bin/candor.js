#!/usr/bin/env node
// Loads the TypeScript CLI through tsx so `npx candor` runs the source as it is, with no build step.
import { register } from "tsx/esm/api";

register();
// A reader that stops early (`candor export … | head`) is not an error.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
