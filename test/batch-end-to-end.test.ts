/**
 * `candor run --batch` against loopback stubs of OpenAI's Batch API and Anthropic's Message
 * Batches: every trial completes with its subject and LLM judge batched, results carry their batch
 * id, cost is at the batch price; and a run killed while a batch is pending resumes by reading that
 * batch, never submitting its requests again.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { BATCH_PRICE_FACTOR, priceOf } from "../src/providers/price-table.ts";
import { REPOSITORY_ROOT, runCandor, temporaryDirectory } from "./run-fixture.ts";
import { startAnthropicBatchStub } from "./stubs/anthropic-batch-stub.ts";
import type { RunningBatchStub } from "./stubs/batch-stub-server.ts";
import { startOpenAIBatchStub } from "./stubs/openai-batch-stub.ts";

const OPENAI_KEY = "sk-batch-e2e-NEVER-WRITE-ME";
const ANTHROPIC_KEY = "sk-ant-batch-e2e-NEVER-WRITE-ME";
/** Status checks at most this far apart, so a run against the stub takes seconds. */
const FAST_POLLING = { CANDOR_BATCH_POLL_MAX_MS: "100" };
/** paper.yaml, car-sales, one sample: 16 trials, 56 subject calls, 56 judge calls. */
const TRIALS = 16;
const CALLS = 56;

let stubs: RunningBatchStub[] = [];
afterEach(async () => {
  await Promise.all(stubs.map((stub) => stub.close()));
  stubs = [];
});

function runArguments(model: string, runsDir: string, baseURL?: string): string[] {
  return [
    "run",
    "experiments/paper.yaml",
    "--subject",
    model,
    "--judge",
    model,
    "--scenario",
    "car-sales",
    "--samples",
    "1",
    "--batch",
    "--runs-dir",
    runsDir,
    "--no-cache",
    ...(baseURL ? ["--base-url", baseURL] : []),
    "--yes",
    "--quiet",
  ];
}

function onlyRunDirectory(runsDir: string): string {
  const names = readdirSync(runsDir).filter((name) => !name.endsWith(".partial"));
  expect(names).toHaveLength(1);
  return join(runsDir, names[0] as string);
}

interface StoredRun {
  statuses: Record<string, number>;
  modelTurns: { response_json: string }[];
  batches: { batch_id: string; status: string; custom_ids: string }[];
}

function readRun(directory: string): StoredRun {
  const database = new Database(join(directory, "run.sqlite"), { readonly: true });
  try {
    const rows = database
      .prepare("SELECT status, count(*) AS n FROM trials GROUP BY status")
      .all() as { status: string; n: number }[];
    return {
      statuses: Object.fromEntries(rows.map((row) => [row.status, row.n])),
      modelTurns: database
        .prepare("SELECT response_json FROM turns WHERE response_json IS NOT NULL")
        .all() as StoredRun["modelTurns"],
      batches: database
        .prepare("SELECT batch_id, status, custom_ids FROM provider_batches")
        .all() as StoredRun["batches"],
    };
  } finally {
    database.close();
  }
}

/**
 * The report's usage lines, and what they should cost at the model's batch price: the tokens of
 * the calls the provider billed (a twin that shared another call's reply is marked cached).
 */
async function usageAtBatchPrice(runDirectory: string, model: string) {
  const report = await runCandor(["report", runDirectory, "--format", "json"]);
  const usage = JSON.parse(report.stdout).usage as {
    model: string;
    role: string;
    calls: number;
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
  }[];
  const standard = priceOf(model);
  if (!standard) throw new Error(`${model} has no bundled price`);
  const billed = billedCalls(runDirectory);
  return usage.map((line) => {
    const tokens = billed[line.role as keyof typeof billed];
    return {
      ...line,
      billedCalls: tokens.calls,
      expectedUsd:
        ((tokens.inputTokens * standard.inputPerMillion +
          tokens.outputTokens * standard.outputPerMillion) *
          BATCH_PRICE_FACTOR) /
        1e6,
    };
  });
}

/** The subject's and the judges' calls and tokens that were not answered by a twin or the cache. */
function billedCalls(directory: string) {
  const database = new Database(join(directory, "run.sqlite"), { readonly: true });
  try {
    const subject = database
      .prepare(
        `SELECT COUNT(*) AS calls,
           COALESCE(SUM(json_extract(response_json, '$.usage.inputTokens')), 0) AS inputTokens,
           COALESCE(SUM(json_extract(response_json, '$.usage.outputTokens')), 0) AS outputTokens
         FROM turns WHERE source = 'generated' AND response_json IS NOT NULL
           AND COALESCE(json_extract(response_json, '$.metadata.cached'), 0) != 1`,
      )
      .get() as { calls: number; inputTokens: number; outputTokens: number };
    const judge = database
      .prepare(
        `SELECT COALESCE(SUM(json_extract(usage_json, '$.calls') - json_extract(usage_json, '$.cachedCalls')), 0) AS calls,
           COALESCE(SUM(json_extract(usage_json, '$.billedInputTokens')), 0) AS inputTokens,
           COALESCE(SUM(json_extract(usage_json, '$.billedOutputTokens')), 0) AS outputTokens
         FROM verdicts WHERE usage_json IS NOT NULL`,
      )
      .get() as { calls: number; inputTokens: number; outputTokens: number };
    return { subject, judge };
  } finally {
    database.close();
  }
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function expectCompleteBatchedRun(
  stub: RunningBatchStub,
  runsDir: string,
  model: string,
  key: string,
  isJudgeRequest: (body: Record<string, unknown>) => boolean,
) {
  const directory = onlyRunDirectory(runsDir);
  const stored = readRun(directory);
  expect(stored.statuses).toEqual({ complete: TRIALS });
  const batchIds = new Set(stored.batches.map((batch) => batch.batch_id));
  expect(stored.modelTurns.length).toBe(CALLS);
  for (const turn of stored.modelTurns) {
    const metadata = JSON.parse(turn.response_json).metadata;
    expect(metadata.batch).toBe(true);
    expect(batchIds.has(metadata.batch_id)).toBe(true);
  }
  // Subject and judge both went through batches, a round of trials at a time.
  const judged = stub.counters.bodies.filter(isJudgeRequest).length;
  expect(judged).toBeGreaterThan(0);
  expect(stub.counters.requestsCreated - judged).toBeGreaterThan(0);
  expect(stub.counters.batchesCreated).toBe(stored.batches.length);
  expect(stub.counters.batchesCreated).toBeLessThan(stub.counters.requestsCreated / 4);
  const usage = await usageAtBatchPrice(directory, model);
  expect(usage.map((line) => line.role).sort()).toEqual(["judge", "subject"]);
  for (const line of usage) {
    expect(line.calls).toBe(CALLS);
    expect(line.costUsd).toBeGreaterThan(0);
    expect(line.costUsd).toBeCloseTo(line.expectedUsd, 10);
  }
  // What the run pays for is what the provider received: each request once, twins included.
  const billedTotal = usage.reduce((sum, line) => sum + line.billedCalls, 0);
  expect(billedTotal).toBe(stub.counters.requestsCreated);
  for (const file of filesUnder(directory))
    expect(readFileSync(file).includes(key), file).toBe(false);
}

describe("candor run --batch", () => {
  it("runs every trial through OpenAI's Batch API, subject and judge, at the batch price", async () => {
    const stub = await startOpenAIBatchStub({ apiKey: OPENAI_KEY });
    stubs.push(stub);
    const runsDir = temporaryDirectory();
    const result = await runCandor(runArguments("openai:gpt-4o-mini", runsDir, stub.baseURL), {
      OPENAI_API_KEY: OPENAI_KEY,
      ...FAST_POLLING,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/trials 16 complete, 0 error, 0 pending/);
    await expectCompleteBatchedRun(
      stub,
      runsDir,
      "openai:gpt-4o-mini",
      OPENAI_KEY,
      (body) => body.response_format !== undefined,
    );
  });

  it("runs every trial through Anthropic's Message Batches, subject and judge", async () => {
    const stub = await startAnthropicBatchStub({ apiKey: ANTHROPIC_KEY });
    stubs.push(stub);
    const runsDir = temporaryDirectory();
    const model = "anthropic:claude-3-5-haiku-latest";
    const result = await runCandor(runArguments(model, runsDir), {
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
      ANTHROPIC_BASE_URL: stub.baseURL,
      ...FAST_POLLING,
    });
    expect(result.code, result.stderr).toBe(0);
    await expectCompleteBatchedRun(
      stub,
      runsDir,
      model,
      ANTHROPIC_KEY,
      (body) => body.tool_choice !== undefined,
    );
  });

  it("resumes a run killed while a batch was pending without submitting that batch again", async () => {
    const stub = await startOpenAIBatchStub({ apiKey: OPENAI_KEY, hold: true });
    stubs.push(stub);
    const runsDir = temporaryDirectory();
    const environment = { ...process.env, OPENAI_API_KEY: OPENAI_KEY, ...FAST_POLLING };
    const child = spawn(
      process.execPath,
      ["bin/candor.js", ...runArguments("openai:gpt-4o-mini", runsDir, stub.baseURL)],
      { cwd: REPOSITORY_ROOT, env: environment, stdio: "ignore" },
    );
    // The first round's batch is submitted and recorded before its first status check.
    await until(() => stub.counters.statusChecks > 0);
    await kill(child);
    expect(stub.counters.batchesCreated).toBe(1);
    const pending = new Set(stub.counters.customIds);
    const directory = onlyRunDirectory(runsDir);
    expect(readRun(directory).batches).toMatchObject([
      { batch_id: "batch_stub1", status: "submitted" },
    ]);

    stub.release();
    const resumed = await runCandor(["resume", directory, "--no-cache", "--quiet"], {
      OPENAI_API_KEY: OPENAI_KEY,
      ...FAST_POLLING,
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/trials 16 complete, 0 error, 0 pending/);
    const sentAgain = stub.counters.customIds.slice(pending.size).filter((id) => pending.has(id));
    expect(sentAgain).toEqual([]);
    expect(stub.counters.batchesCreated).toBeGreaterThan(1);
    const stored = readRun(directory);
    expect(stored.batches.find((batch) => batch.batch_id === "batch_stub1")?.status).toBe(
      "completed",
    );
    const fromKilledBatch = stored.modelTurns.filter(
      (turn) => JSON.parse(turn.response_json).metadata.batch_id === "batch_stub1",
    );
    expect(fromKilledBatch.length).toBeGreaterThan(0);
  });
});

/** Polls a condition the stub's counters make true (no fixed sleep). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.on("close", () => resolve());
    child.kill("SIGKILL");
  });
}
