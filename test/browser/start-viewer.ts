import { type ChildProcess, spawn } from "node:child_process";
import { REPOSITORY_ROOT } from "../run-fixture.ts";

export interface ViewerProcess {
  url: string;
  child: ChildProcess;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** `candor view` as a user starts it, on a free port; resolves once it prints its address. */
export function startViewerProcess(runsDir: string): Promise<ViewerProcess> {
  const child = spawn(
    process.execPath,
    ["bin/candor.js", "view", "--runs-dir", runsDir, "--port", "0"],
    { cwd: REPOSITORY_ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk;
      const url = /candor view: (http:\/\/\S+)/.exec(output)?.[1];
      const stop = () => {
        child.kill("SIGTERM");
        return exited;
      };
      if (url) resolve({ url, child, stop });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    child.once("exit", (code) => reject(new Error(`candor view exited ${code}: ${output}`)));
  });
}
