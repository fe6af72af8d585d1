// Keeps `npm ci` lean: node-llama-cpp lists every prebuilt llama.cpp binary as an optional
// dependency, and npm installs each one whose os and cpu match (its ARM builds also claim x64).
// This marks, in package-lock.json, the CUDA and Vulkan builds as opt-in (a libc no system has,
// so npm skips them) and gives the ARM builds their real architecture. The CPU build stays.
// GPU users install their build with one command (README, "Lean install"). Idempotent; run it
// after any `npm install` that rewrites the lock: `node scripts/lean-lockfile.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const OPT_IN_LIBC = "opt-in-gpu-build";
const GPU_BUILDS = [
  "linux-x64-cuda",
  "linux-x64-cuda-ext",
  "linux-x64-vulkan",
  "win-x64-cuda",
  "win-x64-cuda-ext",
  "win-x64-vulkan",
];
const ARCHITECTURES = { "linux-arm64": ["arm64"], "linux-armv7l": ["arm"], "win-arm64": ["arm64"] };

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
let changed = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  const match = /(?:^|\/)node_modules\/@node-llama-cpp\/([^/]+)$/.exec(path);
  if (!match) continue;
  const build = match[1];
  if (GPU_BUILDS.includes(build) && JSON.stringify(entry.libc) !== JSON.stringify([OPT_IN_LIBC])) {
    entry.libc = [OPT_IN_LIBC];
    changed += 1;
  }
  const cpu = ARCHITECTURES[build];
  if (cpu && JSON.stringify(entry.cpu) !== JSON.stringify(cpu)) {
    entry.cpu = cpu;
    changed += 1;
  }
}
if (changed > 0) writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`package-lock.json: ${changed} node-llama-cpp build entries marked\n`);
