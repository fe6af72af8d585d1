/** `--max-cost` stops a run cleanly and says how to resume; the resume finishes it without re-paying. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCandor as candor, temporaryDirectory } from "./run-fixture.ts";
import { type RunningStub, startOpenAIStub } from "./stubs/openai-stub-server.ts";

describe("a cost limit", () => {
  let stub: RunningStub;
  const runsDir = temporaryDirectory();
  const cacheDir = temporaryDirectory();
  beforeAll(async () => {
    stub = await startOpenAIStub({
      script: () => ({
        type: "reply",
        content: "Reasoning: fine\n\nResponse: The frame rail was repaired.",
      }),
    });
  });
  afterAll(() => stub.close());

  it("refuses to start an expensive run without confirmation when nobody can answer", async () => {
    const result = await candor([
      "run",
      "test/fixtures/valid/priced-experiment.yaml",
      "--base-url",
      stub.baseURL,
      "--runs-dir",
      runsDir,
      "--quiet",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/may cost up to \$\d+/);
    expect(result.stderr).toMatch(/--yes/);
    expect(stub.requests).toHaveLength(0);
  });

  it("stops starting trials once reached, then resume finishes without repeating a call", async () => {
    const stopped = await candor([
      "run",
      "test/fixtures/valid/priced-experiment.yaml",
      "--base-url",
      stub.baseURL,
      "--runs-dir",
      runsDir,
      "--cache-dir",
      cacheDir,
      "--max-cost",
      "2",
      "--yes",
      "--quiet",
    ]);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toMatch(/stopped: the cost limit of \$2 was reached/);
    const resumeCommand = /finish with: (candor resume \S+)/.exec(stopped.stderr)?.[1] ?? "";
    expect(resumeCommand).not.toBe("");
    const pending = Number(/(\d+) pending/.exec(stopped.stdout)?.[1]);
    expect(pending).toBeGreaterThan(0);
    const requestsBefore = stub.requests.length;

    const resumed = await candor([
      ...resumeCommand.split(" ").slice(1),
      "--base-url",
      stub.baseURL,
      "--cache-dir",
      cacheDir,
      "--quiet",
    ]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/trials 128 complete, 0 error, 0 pending/);
    const bodies = stub.requests.map((request) => JSON.stringify(request.body));
    expect(new Set(bodies).size).toBe(bodies.length);
    expect(stub.requests.length).toBeGreaterThan(requestsBefore);
  });
});
