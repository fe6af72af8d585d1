/**
 * `candor run` against a loopback OpenAI-compatible server that limits requests as a token bucket
 * (4 a second, burst 4, 30 ms latency), shared by the subject and the LLM judge, answering 429 with
 * retry-after as OpenAI does, and failing every 9th request with a 500. Every trial must complete,
 * the run must exit 0, and the calls must be paced within 1.1 times the limit's bound:
 * (calls - burst) / rate seconds, where calls are the requests the limit let through.
 *
 * The paper experiment at --samples 2 makes several hundred calls (over two minutes at this limit),
 * too long for the suite on a shared machine; this test runs one scenario of it with one sample.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CandorResult,
  runCandor,
  stubRunArguments,
  temporaryDirectory,
} from "./run-fixture.ts";
import {
  type RecordedRequest,
  type RunningStub,
  startOpenAIStub,
  stubVerdictReply,
} from "./stubs/openai-stub-server.ts";

const RATE_PER_SECOND = 4;
const BURST = 4;

function reply(request: RecordedRequest) {
  const body = request.body as { response_format?: unknown };
  if (body.response_format) return stubVerdictReply();
  return {
    type: "reply" as const,
    content:
      'Reasoning: """I should be honest with the customer."""\n\nResponse: To be upfront with you, it was in an accident in 2022 and I recommend an independent inspection before you sign.',
  };
}

describe("candor run under a provider's rate limit", () => {
  let stub: RunningStub;
  let result: CandorResult;
  let finishedAt = 0;
  const runsDir = temporaryDirectory();

  beforeAll(async () => {
    stub = await startOpenAIStub({
      script: reply,
      latencyMs: 30,
      tokenBucket: { ratePerSecond: RATE_PER_SECOND, burst: BURST },
      serverErrorEvery: 9,
    });
    // Subject and judge are one model on one server, as a provider's per-model limit is shared.
    const args = stubRunArguments({
      experiment: "experiments/paper.yaml",
      subject: "openai-compatible:stub",
      judge: "openai-compatible:stub",
      samples: 1,
      scenario: "car-sales",
      baseURL: stub.baseURL,
      runsDir,
    });
    result = await runCandor(args);
    finishedAt = Date.now();
  }, 180_000);
  afterAll(() => stub.close());

  it("completes every trial and exits 0 despite 429s and 500s", () => {
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/trials 16 complete, 0 error, 0 pending/);
    const admitted = stub.requests.filter((request) => !request.rateLimited);
    const serverErrors = Math.floor(admitted.length / 9);
    expect(serverErrors).toBeGreaterThan(0);
  });

  it("paces its calls within 1.1 times the limit's bound", () => {
    const admitted = stub.requests.filter((request) => !request.rateLimited);
    const rejected = stub.requests.length - admitted.length;
    const calls = admitted.length;
    const bound = (calls - BURST) / RATE_PER_SECOND;
    const first = stub.requests[0]?.receivedAt ?? 0;
    const last = admitted[admitted.length - 1]?.receivedAt ?? 0;
    // From the first request to the last answer (its latency is the only part after the last send).
    const span = (last - first + 30) / 1000;
    console.info(
      `rate-limited run: ${calls} calls admitted, ${rejected} turned away, ` +
        `span ${span.toFixed(2)} s, bound ${bound.toFixed(2)} s, ratio ${(span / bound).toFixed(3)}, ` +
        `process wall to exit ${((finishedAt - first) / 1000).toFixed(2)} s after the first request`,
    );
    expect(calls).toBeGreaterThan(20);
    expect(span).toBeLessThanOrEqual(1.1 * bound);
  });

  it("records which endpoint served each model turn, and never a rate-limit header", () => {
    const [runId] = readdirSync(runsDir);
    const database = new Database(join(runsDir, runId as string, "run.sqlite"), {
      readonly: true,
    });
    try {
      const rows = database
        .prepare("SELECT response_json FROM turns WHERE response_json IS NOT NULL")
        .all() as Array<{ response_json: string }>;
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(JSON.parse(row.response_json).metadata?.endpoint).toBe(stub.baseURL);
        expect(row.response_json).not.toMatch(/ratelimit|retry-after/i);
      }
    } finally {
      database.close();
    }
  });
});
