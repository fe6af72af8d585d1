/** A run started with --base-url resumes against the same server from the printed command alone. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCandor, stubRunArguments, temporaryDirectory } from "./run-fixture.ts";
import { type RunningStub, startOpenAIStub } from "./stubs/openai-stub-server.ts";

const RIGHT_KEY = "sk-right-key-for-resume";
const WRONG_KEY = "sk-wrong-key-for-resume";

let stub: RunningStub;
beforeAll(async () => {
  stub = await startOpenAIStub({ apiKey: RIGHT_KEY });
});
afterAll(() => stub.close());

describe("resume after a run started with --base-url", () => {
  it("reuses the stored --base-url, says so, and never stores the key", async () => {
    const runsDir = temporaryDirectory();
    const arguments_ = stubRunArguments({
      experiment: "experiments/paper.yaml",
      subject: "openai-compatible:stub-model",
      samples: 1,
      scenario: "car-sales",
      baseURL: stub.baseURL,
      runsDir,
    });
    const stopped = await runCandor(arguments_, { OPENAI_COMPATIBLE_API_KEY: WRONG_KEY });
    expect(stopped.code).toBe(1);
    const hint = stopped.stderr.match(/finish with: (candor resume \S+)/);
    expect(hint, stopped.stderr).not.toBeNull();
    const directory = (hint?.[1] ?? "").replace("candor resume ", "");

    const [, ...resumeArguments] = (hint?.[1] ?? "").split(" ");
    const resumed = await runCandor([...resumeArguments, "--no-cache", "--quiet"], {
      OPENAI_COMPATIBLE_API_KEY: RIGHT_KEY,
    });
    expect(resumed.stderr).toContain(`resuming with --base-url ${stub.baseURL}`);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/trials \d+ complete, 0 error, 0 pending/);
    const database = readFileSync(join(directory, "run.sqlite"));
    expect(database.includes(RIGHT_KEY) || database.includes(WRONG_KEY)).toBe(false);
  });
});
