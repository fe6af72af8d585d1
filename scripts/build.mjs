// `npm run build` (and `npm ci`, through `prepare`): bundles the CLI with esbuild into dist/.
// One bundle, split at the CLI's lazy imports (each command, the providers, SQLite, the figure
// renderer), starts in about two thirds of the time of the same code as hundreds of modules: Node
// 20 has no compile cache, and every module costs a resolve, a read and a compile. Native
// packages stay outside the bundle. Plain JavaScript, so that `npm ci` can run it before anything
// else is built. The type check is `npm run typecheck`; esbuild only strips types.
import { cpSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const root = new URL("../", import.meta.url);
const dist = new URL("dist/", root);
rmSync(dist, { recursive: true, force: true });

const result = await build({
  absWorkingDir: root.pathname,
  entryPoints: {
    "cli/main": "src/cli/main.ts",
    "viewer/viewer-worker": "src/viewer/viewer-worker.ts",
  },
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Native addons and the GGUF runtime (which finds its prebuilt binaries beside itself).
  external: ["better-sqlite3", "node-llama-cpp", "@node-llama-cpp/*"],
  // Bundled CommonJS packages still call require for Node's own modules.
  banner: {
    js: 'import { createRequire as candorCreateRequire } from "node:module"; const require = candorCreateRequire(import.meta.url);',
  },
  logLevel: "warning",
  metafile: true,
});

// Which sources and packages each output file holds: the compiled-build test reads it to check
// that a command loads only what it needs.
writeFileSync(new URL("build-meta.json", dist), JSON.stringify(result.metafile));

// The viewer's page (built by Vite, committed in src/viewer/dist) is served from beside the code.
const viewerApp = new URL("src/viewer/dist/", root);
if (existsSync(viewerApp)) cpSync(viewerApp, new URL("viewer/dist/", dist), { recursive: true });
