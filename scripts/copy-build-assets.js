// Copies what the compiled code reads beside itself into dist/: the viewer's built app, which
// src/viewer/viewer-server.ts serves from the folder next to it. Plain JavaScript so that
// `npm ci` (through `prepare`) can run it before anything else is built.
import { cpSync, existsSync, rmSync } from "node:fs";

const viewerApp = new URL("../src/viewer/dist/", import.meta.url);
const copied = new URL("../dist/viewer/dist/", import.meta.url);
// Emptied first so that assets of an older viewer build (hashed names) do not pile up.
rmSync(copied, { recursive: true, force: true });
if (existsSync(viewerApp)) {
  cpSync(viewerApp, copied, { recursive: true });
}
