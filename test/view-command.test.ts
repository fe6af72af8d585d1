/** `candor view`'s bad input: one line naming the option, exit code 2, no stack trace. */
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { runCandor, temporaryDirectory } from "./run-fixture.ts";

describe("candor view on bad input", () => {
  it("names --runs-dir when the directory does not exist", async () => {
    const result = await runCandor([
      "view",
      "--runs-dir",
      "/nonexistent/candor-runs",
      "--port",
      "0",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("candor: --runs-dir: no runs directory /nonexistent/candor-runs\n");
  });

  it("names --port when the port is taken, and --port when it is not a number", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    const result = await runCandor([
      "view",
      "--runs-dir",
      temporaryDirectory(),
      "--port",
      String(port),
    ]);
    taken.close();
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(`^candor: --port: cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)\\n$`),
    );
    const word = await runCandor(["view", "--port", "eighty"]);
    expect(word.code).toBe(2);
    expect(word.stderr).toMatch(/--port/);
    expect(word.stderr).not.toMatch(/\n\s+at /);
  });
});
