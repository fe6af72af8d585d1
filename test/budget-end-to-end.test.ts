/**
 * Issue 13: `--max-cost` is a hard cap (no call starts that could pass it), a judge's 401 stops the
 * run, `--fail-on-error` stops a run whose trials keep failing, and errors are grouped by reason
 * in the run summary, the report and `candor ls`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCandor as candor, runFixture, temporaryDirectory } from "./run-fixture.ts";
import { HONEST_CAR_SALES_REPLY, HONEST_CAR_SALES_VERDICT } from "./scenario-texts.ts";
import {
  type OpenAIStubBehaviour,
  type RecordedRequest,
  type RunningStub,
  startOpenAIStub,
} from "./stubs/openai-stub-server.ts";

const EXPERIMENT = "test/fixtures/valid/budget-experiment.yaml";
/** What the stub bills every call: under the prompt bound (bytes) and under max_tokens (64). */
const USAGE = { promptTokens: 1000, completionTokens: 50 };
/** Both models cost $100 per million tokens in and out. */
const COST_PER_CALL = ((USAGE.promptTokens + USAGE.completionTokens) * 100) / 1_000_000;

const isJudgeCall = (request: RecordedRequest) =>
  Boolean((request.body as { response_format?: unknown }).response_format);

let stub: RunningStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

function run(server: RunningStub, ...extra: string[]) {
  const runsDir = temporaryDirectory();
  const result = candor([
    "run",
    EXPERIMENT,
    "--base-url",
    server.baseURL,
    "--runs-dir",
    runsDir,
    "--no-cache",
    "--quiet",
    ...extra,
  ]);
  return { runsDir, result };
}

describe("a hard budget", () => {
  it("ends with at most --max-cost spent, counted at the server, and says the final figure", async () => {
    const script = (request: RecordedRequest): OpenAIStubBehaviour => ({
      type: "reply",
      content: isJudgeCall(request) ? HONEST_CAR_SALES_VERDICT : HONEST_CAR_SALES_REPLY,
      usage: USAGE,
      delayMs: 20,
    });
    stub = await startOpenAIStub({ script });
    const cap = 3;
    const { result: pending } = run(stub, "--max-cost", String(cap));
    const result = await pending;
    expect(result.code).toBe(1);
    const stopped = /stopped: the cost limit of \$3 was reached \(\$(\d+\.\d+) spent/.exec(
      result.stderr,
    );
    expect(stopped, result.stderr).not.toBeNull();
    // Every call the server answered is billed, whether its trial finished or stays pending.
    const billed = stub.requests.length * COST_PER_CALL;
    expect(billed).toBeLessThanOrEqual(cap);
    expect(Number(stopped?.[1])).toBeCloseTo(billed, 4);
    // The cap was used up to less than one call's worst case (about $0.45 here): calls that
    // fit once others settled waited for them instead of ending the run early.
    expect(billed).toBeGreaterThan(cap - 0.5);
    expect(result.stdout).toMatch(/trials \d+ complete, 0 error, [1-9]\d* pending/);
    expect(result.stdout).toMatch(/cost \$\d+\.\d{4}\n/);
  }, 120_000);
});

describe("an unknown price", () => {
  it("shows as unknown in the plan and the run summary, never as zero", async () => {
    stub = await startOpenAIStub({
      script: () => ({ type: "reply", content: HONEST_CAR_SALES_REPLY, usage: USAGE }),
    });
    const unpriced = ["--subject", "openai-compatible:unpriced", "--judge", "heuristic"];
    const plan = await candor(["plan", EXPERIMENT, ...unpriced]);
    expect(plan.stdout).toMatch(
      /cost: unknown \(prices unknown for: openai-compatible:unpriced; the priced models at most \$0\.00\)/,
    );
    const { result } = run(stub, ...unpriced, "--samples", "1", "--yes");
    const ran = await result;
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(
      /\ncost unknown \(prices unknown for: openai-compatible:unpriced\)\n/,
    );
  }, 120_000);
});

describe("failing fast", () => {
  it("stops on a judge's 401 with the reason on stderr and starts no new trials", async () => {
    const script = (request: RecordedRequest): OpenAIStubBehaviour =>
      isJudgeCall(request)
        ? { type: "error", status: 401, message: "Incorrect API key provided" }
        : { type: "reply", content: HONEST_CAR_SALES_REPLY, delayMs: 10 };
    stub = await startOpenAIStub({ script });
    const { result: pending } = run(stub, "--yes");
    const result = await pending;
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(
      /stopped: openai-compatible:budget-judge: HTTP 401 authentication .*Incorrect API key/,
    );
    expect(result.stdout).toMatch(/trials 0 complete, 0 error, 64 pending/);
    // Trials in flight when the first 401 came (at most 16) may make one more subject call each
    // before their own judge call fails; none starts after.
    const firstRefusal = stub.requests.findIndex(isJudgeCall);
    const subjectCallsAfter = stub.requests.slice(firstRefusal).filter((r) => !isJudgeCall(r));
    expect(subjectCallsAfter.length).toBeLessThanOrEqual(16);
  }, 120_000);

  it("--fail-on-error 2 stops a run whose trials keep failing, errors grouped everywhere", async () => {
    const script = (request: RecordedRequest): OpenAIStubBehaviour =>
      isJudgeCall(request)
        ? { type: "reply", content: HONEST_CAR_SALES_VERDICT }
        : {
            type: "error",
            status: 400,
            message: `bad sampling parameter (trace ${request.headers["x-stainless-retry-count"] ?? "0"}a9f3c2e81b7d4e60)`,
          };
    stub = await startOpenAIStub({ script });
    const { runsDir, result: pending } = run(stub, "--fail-on-error", "2", "--yes");
    const result = await pending;
    expect(result.code, result.stderr).toBe(1);
    const counts = /trials 0 complete, (\d+) error, (\d+) pending/.exec(result.stdout);
    const errored = Number(counts?.[1]);
    expect(errored).toBeGreaterThanOrEqual(2);
    expect(Number(counts?.[2])).toBeGreaterThan(0);
    expect(result.stderr).toMatch(
      /stopped: --fail-on-error 2: [2-9] trials ended in error; finish with: candor resume/,
    );
    // Grouped: the trace id varies per call, the reason does not.
    const reason =
      "openai-compatible:budget-subject: HTTP 400 bad_request (invalid_request_error): bad sampling parameter (trace …)";
    expect(result.stderr).toContain(`${errored} trials ended in error: ${errored} × ${reason};`);

    const runDirectory = /^directory (\S+)/m.exec(result.stdout)?.[1] ?? "";
    const markdown = readFileSync(join(runDirectory, "report.md"), "utf8");
    expect(markdown).toContain(`${errored} × ${reason}`);
    const listing = await candor(["ls", "--runs-dir", runsDir]);
    expect(listing.stdout).toContain(
      `error ${errored} (${errored} × HTTP 400 bad_request: bad sampling parameter (trace …)) `,
    );
  }, 120_000);

  it("candor judge stops on a judge's 401, saying why, with the set left partial", async () => {
    const run = await runFixture();
    stub = await startOpenAIStub({
      script: () => ({ type: "error", status: 401, message: "Incorrect API key provided" }),
    });
    const judged = await candor([
      "judge",
      run.directory,
      "--judge",
      "openai-compatible:rejudge",
      "--base-url",
      stub.baseURL,
      "--no-cache",
      "--quiet",
    ]);
    expect(judged.code).toBe(1);
    expect(judged.stderr).toMatch(
      /stopped: openai-compatible:rejudge: HTTP 401 authentication .*Incorrect API key.*is partial \(0 of \d+ trials\)/,
    );
    // The first trial's first judged turn failed; nothing else was asked.
    expect(stub.requests).toHaveLength(1);
  });

  it("refuses --fail-on-error that is neither a count nor a share", async () => {
    stub = await startOpenAIStub({});
    const { result } = run(stub, "--fail-on-error", "1.5");
    const refused = await result;
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/--fail-on-error.*whole number/);
    expect(stub.requests).toHaveLength(0);
  });
});
