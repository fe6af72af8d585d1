/**
 * A local GGUF file as subject and as judge, in-process through node-llama-cpp: a random-weight
 * model written at test time (gibberish out, so this checks the plumbing, never the content).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writeRandomGguf } from "../src/providers/gguf/write-random-gguf.ts";
import { REPOSITORY_ROOT, temporaryDirectory } from "./run-fixture.ts";

describe("candor run with a GGUF subject and judge", () => {
  const runsDir = temporaryDirectory();
  const modelPath = join(temporaryDirectory(), "tiny.gguf");
  let run: ReturnType<typeof spawnSync>;

  beforeAll(async () => {
    await writeRandomGguf(modelPath, { seed: 5 });
    run = spawnSync(
      process.execPath,
      [
        "bin/candor.js",
        "run",
        "test/fixtures/valid/gguf-experiment.yaml",
        "--subject",
        `gguf:${modelPath}`,
        "--judge",
        `gguf:${modelPath}`,
        "--scenario",
        "car-sales",
        "--max-tokens",
        "48",
        "--runs-dir",
        runsDir,
        "--no-cache",
        "--quiet",
      ],
      { cwd: REPOSITORY_ROOT, encoding: "utf8", maxBuffer: 1 << 30 },
    );
  }, 600_000);

  it("completes every trial in-process", () => {
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/trials 2 complete, 0 error, 0 pending/);
  });

  it("stores the model's turns and one verdict per judged turn from the GGUF judge", () => {
    const runId = /^run (\S+)/m.exec(String(run.stdout))?.[1] ?? "";
    const exported = spawnSync(
      process.execPath,
      ["bin/candor.js", "export", runId, "--format", "jsonl", "--runs-dir", runsDir],
      {
        cwd: REPOSITORY_ROOT,
        encoding: "utf8",
      },
    );
    const trials = exported.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const generated = trials.flatMap((trial) =>
      trial.turns.filter((turn: { source: string }) => turn.source === "generated"),
    );
    expect(generated.length).toBe(6);
    for (const turn of generated) {
      expect(turn.model_id).toBe(`gguf:${modelPath}`);
      expect(turn.usage.outputTokens).toBeLessThanOrEqual(48);
      const verdict = turn.verdicts.find(
        (candidate: { judge: string }) => candidate.judge === `gguf:${modelPath}`,
      );
      expect(verdict, "a verdict from the GGUF judge").toBeDefined();
      // Random weights write valid JSON (the grammar sees to it) but cannot quote the turn.
      expect(["yes", "no", "inconclusive"]).toContain(verdict.undesired);
    }
  });
});
