import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { InputError } from "../spec/input-error.ts";
import { DEFAULT_RUNS_DIR, wholeNumber } from "./options.ts";

export const DEFAULT_VIEW_PORT = 4747;
const LOOPBACK_HOST = "127.0.0.1";

export function registerViewCommand(program: Command): void {
  program
    .command("view")
    .description(
      "Open a local web app to read runs, transcripts and verdicts, label turns and compare runs.",
    )
    .option("--runs-dir <dir>", "where run directories are", DEFAULT_RUNS_DIR)
    .option(
      "--port <port>",
      "port to listen on (0 picks a free one)",
      wholeNumber,
      DEFAULT_VIEW_PORT,
    )
    .option(
      "--host <host>",
      "address to bind; anything but loopback shows your runs to the network, without a password",
      LOOPBACK_HOST,
    )
    .action(async (options: { runsDir: string; port: number; host: string }) => {
      if (!existsSync(options.runsDir))
        throw new InputError(`no runs directory ${resolve(options.runsDir)}`, {
          field: "--runs-dir",
        });
      // Loaded here so other commands never load the server.
      const { startViewer } = await import("../viewer/viewer-server.ts");
      const viewer = await startViewer(options).catch((error: NodeJS.ErrnoException) => {
        if (
          error.code === "EADDRINUSE" ||
          error.code === "EADDRNOTAVAIL" ||
          error.code === "EACCES"
        )
          throw new InputError(`cannot listen on ${options.host}:${options.port} (${error.code})`, {
            field: error.code === "EADDRNOTAVAIL" ? "--host" : "--port",
          });
        throw error;
      });
      process.stdout.write(
        `candor view: ${viewer.url}  (runs from ${resolve(options.runsDir)}; Ctrl-C stops)\n`,
      );
      await new Promise<void>((done) => {
        const stop = () => void viewer.close().then(done);
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
}
