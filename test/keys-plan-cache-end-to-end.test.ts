/**
 * `plan` needs no key or server while `run` fails early without one; an unwritable cache is said
 * once and the paid replies are used; damaged cache entries are replaced, never replayed.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCandor as candor, stubRunArguments, temporaryDirectory } from "./run-fixture.ts";
import { type RunningStub, startOpenAIStub } from "./stubs/openai-stub-server.ts";

/** Keys and servers emptied, so that neither this machine's environment nor a .env can help. */
const NO_KEYS = {
  OPENAI_API_KEY: "",
  ANTHROPIC_API_KEY: "",
  OPENAI_COMPATIBLE_API_KEY: "",
  OPENAI_BASE_URL: "",
  ANTHROPIC_BASE_URL: "",
};

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("planning without keys", () => {
  it("plans openai:, anthropic: and openai-compatible: models with neither keys nor servers", async () => {
    const result = await candor(
      [
        "plan",
        "experiments/paper.yaml",
        "--subject",
        "openai:gpt-4o",
        "--subject",
        "anthropic:claude-sonnet-4-0",
        "--judge",
        "openai-compatible:my-judge",
        "--json",
      ],
      NO_KEYS,
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.subject_calls).toBeGreaterThan(0);
    expect(plan.judge_calls).toBeGreaterThan(0);
    expect(plan.estimate.max_cost_usd).toBeGreaterThan(0);
    expect(plan.estimate.unpriced_models).toEqual(["openai-compatible:my-judge"]);
  });

  it("still makes run fail early and clearly without the key, writing nothing", async () => {
    const runsDir = temporaryDirectory();
    const result = await candor(
      [
        "run",
        "experiments/paper.yaml",
        "--subject",
        "openai:gpt-4o",
        "--runs-dir",
        runsDir,
        "--no-cache",
        "--yes",
      ],
      NO_KEYS,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/openai:gpt-4o needs OPENAI_API_KEY/);
    expect(readdirSync(runsDir)).toEqual([]);
  });
});

describe("a cache that cannot be written or holds damaged entries", () => {
  let stub: RunningStub;
  beforeAll(async () => {
    stub = await startOpenAIStub({
      script: () => ({ type: "reply", content: "Reasoning: fine\n\nResponse: All good." }),
    });
  });
  afterAll(() => stub.close());

  const run = (cacheDir: string) =>
    candor(
      stubRunArguments({
        experiment: "test/fixtures/valid/experiment.yaml",
        subject: "openai-compatible:stub",
        samples: 1,
        baseURL: stub.baseURL,
        runsDir: temporaryDirectory(),
        cacheDir,
      }),
      NO_KEYS,
    );

  it("uses the replies, says once that the cache cannot be written, and completes", async () => {
    const parentFile = join(temporaryDirectory(), "a-file");
    writeFileSync(parentFile, "");
    const before = stub.requests.length;
    const result = await run(join(parentFile, "cache"));
    expect(result.stdout).toMatch(/trials \d+ complete, 0 error, 0 pending/);
    expect(result.code).toBe(0);
    expect(stub.requests.length - before).toBeGreaterThan(1);
    const warnings = result.stderr.match(/cannot be written/g) ?? [];
    expect(warnings).toHaveLength(1);
  });

  it.each(["{}", "[1,2]", '{"text":5}'])(
    "replaces entries damaged to %s with fresh replies",
    async (damage) => {
      const cacheDir = temporaryDirectory();
      const first = await run(cacheDir);
      expect(first.code).toBe(0);
      const entries = filesUnder(cacheDir);
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) writeFileSync(entry, damage);
      const before = stub.requests.length;
      const second = await run(cacheDir);
      expect(second.stderr).toBe("");
      expect(second.stdout).toMatch(/trials \d+ complete, 0 error, 0 pending/);
      expect(second.code).toBe(0);
      expect(stub.requests.length - before).toBe(entries.length);
      for (const entry of entries)
        expect(JSON.parse(readFileSync(entry, "utf8")).text).toBeTypeOf("string");
    },
  );
});
