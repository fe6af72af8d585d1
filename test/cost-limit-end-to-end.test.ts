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

  const cappedRun = (cap: string, ...extra: string[]) =>
    candor([
      "run",
      "test/fixtures/valid/priced-experiment.yaml",
      "--base-url",
      stub.baseURL,
      "--runs-dir",
      temporaryDirectory(),
      "--cache-dir",
      temporaryDirectory(),
      "--max-cost",
      cap,
      "--quiet",
      ...extra,
    ]);

  it("does not ask about a capped run whose prices are all known: the cap is its ceiling", async () => {
    const requestsBefore = stub.requests.length;
    // At $1000 per million tokens one call may cost a few dollars: a $10 cap lets a few start.
    const capped = await cappedRun("10");
    expect(capped.stderr).not.toMatch(/Pass --yes/);
    expect(capped.stderr).toMatch(
      /stopped: the cost limit of \$10 was reached \(\$\d+\.\d{4} spent/,
    );
    expect(capped.code).toBe(1);
    expect(stub.requests.length).toBeGreaterThan(requestsBefore);
  });

  it("refuses a cap on a model without a price, even with --yes, naming where to set it", async () => {
    const requestsBefore = stub.requests.length;
    for (const extra of [[], ["--yes"]]) {
      const unpriced = await cappedRun("0.5", "--subject", "openai-compatible:unpriced", ...extra);
      expect(unpriced.code).toBe(2);
      expect(unpriced.stderr).toContain(
        'candor: --max-cost: cannot bound what openai-compatible:unpriced costs: its price is unknown; set models."openai-compatible:unpriced".price',
      );
    }
    expect(stub.requests.length).toBe(requestsBefore);
  });
});
