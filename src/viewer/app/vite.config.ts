import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/**
 * Builds the viewer's page into src/viewer/dist, which is committed and shipped, so `candor view`
 * works offline after `npm ci`. No inline script or style is emitted (the server's
 * Content-Security-Policy forbids them), and file names carry content hashes.
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  logLevel: "warn",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: fileURLToPath(new URL("../dist", import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
  },
});
