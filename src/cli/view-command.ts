import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { InputError } from "../spec/input-error.ts";
import { DEFAULT_VIEW_PORT, LOOPBACK_HOST } from "../viewer/viewer-defaults.ts";
import { collect, DEFAULT_RUNS_DIR, wholeNumber } from "./options.ts";

interface ViewOptions {
  runsDir: string;
  port: number;
  host: string;
  allowHost: string[];
}

export function registerViewCommand(program: Command): void {
  program
    .command("view")
    .description(
      "Open a local web app to read runs, transcripts and verdicts, label turns and compare runs.",
    )
    .option("--runs-dir <dir>", "where run directories are", DEFAULT_RUNS_DIR)
    .option("--port <port>", "port (0 picks a free one)", wholeNumber, DEFAULT_VIEW_PORT)
    .option(
      "--host <host>",
      "address to bind; anything but loopback shows your runs to the network, without a password",
      LOOPBACK_HOST,
    )
    .option(
      "--allow-host <name>",
      "another host name a browser may reach the viewer by (a DNS name, a tunnel); repeatable",
      collect,
      [],
    )
    .action(serveUntilStopped);
}

async function serveUntilStopped(options: ViewOptions): Promise<void> {
  if (!existsSync(options.runsDir))
    throw new InputError(`no runs directory ${resolve(options.runsDir)}`, { field: "--runs-dir" });
  // Loaded here so other commands never load the server.
  const { startViewer } = await import("../viewer/viewer-server.ts");
  const viewer = await startViewer({ ...options, allowHosts: options.allowHost }).catch(
    (error: NodeJS.ErrnoException) => {
      throw listenError(error, options) ?? error;
    },
  );
  if (options.host !== LOOPBACK_HOST && options.host !== "localhost")
    process.stderr.write(
      `candor view: bound to ${options.host}: anyone who can reach it can read these runs and add labels, without a password\n`,
    );
  process.stdout.write(
    `candor view: ${viewer.url}  (runs from ${resolve(options.runsDir)}; Ctrl-C stops)\n`,
  );
  await new Promise<void>((done) => {
    const stop = () => void viewer.close().then(done);
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

/** A port or address that cannot be had is bad input, named after its option. */
function listenError(error: NodeJS.ErrnoException, options: ViewOptions): InputError | undefined {
  if (!["EADDRINUSE", "EADDRNOTAVAIL", "EACCES"].includes(error.code ?? "")) return undefined;
  return new InputError(`cannot listen on ${options.host}:${options.port} (${error.code})`, {
    field: error.code === "EADDRNOTAVAIL" ? "--host" : "--port",
  });
}
