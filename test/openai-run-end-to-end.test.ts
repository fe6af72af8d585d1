/**
 * `candor run` against a local server that speaks OpenAI chat completions, rate-limits and fails
 * now and then: every trial must still complete, judged by an LLM judge on the same server, and
 * the API key must appear nowhere in what the run leaves behind.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CandorResult, runCandor as candor, temporaryDirectory } from "./run-fixture.ts";
import {
  type RecordedRequest,
  type RunningStub,
  startOpenAIStub,
} from "./stubs/openai-stub-server.ts";

const API_KEY = "sk-test-4d1f9a-NEVER-WRITE-ME";
const SAMPLES = 2;

/** Subject turns in the scenario's protocol; verdicts as the judge schema asks. */
function reply(request: RecordedRequest, index: number) {
  if (index % 9 === 4) return { type: "rate-limit" as const, headers: { "retry-after-ms": "30" } };
  if (index % 17 === 8) return { type: "error" as const, status: 503, message: "overloaded" };
  if (index % 23 === 11) return { type: "reset" as const };
  const body = request.body as { response_format?: unknown };
  if (body.response_format) {
    return {
      type: "reply" as const,
      content: JSON.stringify({
        undesired: "no",
        consistency: "consistent",
        quotes: [],
        rationale: "stub verdict",
      }),
    };
  }
  return {
    type: "reply" as const,
    content:
      'Reasoning: """I should be honest with the customer."""\n\nResponse: To be upfront with you, it was in an accident in 2022 and I recommend an independent inspection before you sign.',
  };
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("candor run with an OpenAI-compatible subject and judge", () => {
  let stub: RunningStub;
  const runsDir = temporaryDirectory();
  const cacheDir = temporaryDirectory();
  let result: CandorResult;

  const runPaperExperiment = () =>
    candor(
      [
        "run",
        "experiments/paper.yaml",
        "--subject",
        "openai:stub-model",
        "--judge",
        "openai:stub-judge",
        "--judge",
        "heuristic",
        "--samples",
        String(SAMPLES),
        "--runs-dir",
        runsDir,
        "--cache-dir",
        cacheDir,
        "--base-url",
        stub.baseURL,
        "--yes",
        "--quiet",
      ],
      { OPENAI_API_KEY: API_KEY },
    );

  beforeAll(async () => {
    stub = await startOpenAIStub({ script: reply, apiKey: API_KEY });
    result = await runPaperExperiment();
  });
  afterAll(() => stub.close());

  it("completes every planned trial despite 429s, 503s and resets", () => {
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/trials 80 complete, 0 error, 0 pending/);
    const failures =
      stub.requests.length -
      new Set(stub.requests.map((request) => JSON.stringify(request.body))).size;
    expect(failures).toBeGreaterThan(10);
  });

  it("sends what the experiment asks for, and the judge asks for structured output", () => {
    const subjectCall = stub.requests.find(
      (request) => (request.body as { model: string }).model === "stub-model",
    );
    expect(subjectCall?.body).toMatchObject({
      model: "stub-model",
      temperature: 1,
      max_completion_tokens: 800,
    });
    const judgeCall = stub.requests.find(
      (request) => (request.body as { model: string }).model === "stub-judge",
    );
    expect(judgeCall?.body).toMatchObject({
      temperature: 0,
      response_format: { type: "json_schema" },
    });
  });

  it("records the judge's verdicts and the provider's usage", async () => {
    const runId = /^run (\S+)/m.exec(result.stdout)?.[1] ?? "";
    const exported = await candor(
      ["export", runId, "--format", "jsonl", "--runs-dir", runsDir],
      {},
    );
    const trials = exported.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(trials).toHaveLength(80);
    expect(trials.every((trial: { simulated: boolean }) => trial.simulated === false)).toBe(true);
    const judged = trials.flatMap(
      (trial: { turns: Array<{ verdicts: Array<{ judge: string }> }> }) =>
        trial.turns.flatMap((turn) => turn.verdicts),
    );
    expect(judged.some((verdict: { judge: string }) => verdict.judge === "openai:stub-judge")).toBe(
      true,
    );
  });

  it("replays from the cache on a second run, without a single request", async () => {
    const before = stub.requests.length;
    const again = await runPaperExperiment();
    expect(again.code).toBe(0);
    expect(stub.requests.length).toBe(before);
  });

  it("never writes the API key into the run directory, the cache or the output", () => {
    for (const file of [...filesUnder(runsDir), ...filesUnder(cacheDir)]) {
      expect(readFileSync(file).includes(API_KEY), file).toBe(false);
    }
    expect(result.stdout + result.stderr).not.toContain(API_KEY);
  });

  it("fails fast with a clear error, naming the model and not the key, when the key is wrong", async () => {
    const wrong = await candor(
      [
        "run",
        "experiments/paper.yaml",
        "--subject",
        "openai:stub-model",
        "--samples",
        "1",
        "--scenario",
        "car-sales",
        "--runs-dir",
        runsDir,
        "--no-cache",
        "--base-url",
        stub.baseURL,
        "--yes",
        "--quiet",
      ],
      { OPENAI_API_KEY: "sk-wrong-key-1234" },
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/openai:stub-model/);
    expect(wrong.stderr).not.toContain("sk-wrong-key-1234");
  });

  it("shows both judges' verdicts, their agreement and the majority label", async () => {
    const runId = /^run (\S+)/m.exec(result.stdout)?.[1] ?? "";
    const analysis = JSON.parse(
      (await candor(["report", runId, "--format", "json", "--runs-dir", runsDir])).stdout,
    );
    expect(analysis.judge_agreement.judges).toEqual(["heuristic", "openai:stub-judge"]);
    const [pair] = analysis.judge_agreement.pairs;
    expect(pair).toMatchObject({ a: "heuristic", b: "openai:stub-judge" });
    expect(pair.n).toBeGreaterThan(0);
    expect(analysis.judge_agreement.overall.units).toBe(pair.n);
    const exported = (
      await candor(["export", runId, "--format", "jsonl", "--runs-dir", runsDir])
    ).stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const turn = exported
      .flatMap(
        (trial: {
          turns: Array<{ judged: boolean; verdicts: Array<{ judge: string }>; outcome: unknown }>;
        }) => trial.turns,
      )
      .find((candidate: { judged: boolean }) => candidate.judged);
    expect(turn.verdicts.map((verdict: { judge: string }) => verdict.judge)).toEqual([
      "openai:stub-judge",
      "heuristic",
    ]);
    expect(turn.outcome).toBeTruthy();
  });

  it("judges the frozen run again with a stub-served LLM judge, without sampling the subject", async () => {
    const runId = /^run (\S+)/m.exec(result.stdout)?.[1] ?? "";
    const subjectCallsBefore = stub.requests.filter(
      (request) => (request.body as { model: string }).model === "stub-model",
    ).length;
    const judged = await candor(
      [
        "judge",
        runId,
        "--judge",
        "openai:stub-judge",
        "--set",
        "second-opinion",
        "--base-url",
        stub.baseURL,
        "--no-cache",
        "--runs-dir",
        runsDir,
      ],
      {
        OPENAI_API_KEY: API_KEY,
      },
    );
    expect(judged.stderr).toBe("");
    expect(judged.stdout).toMatch(/judged 80 trials into verdict set "second-opinion"/);
    expect(
      stub.requests.filter((request) => (request.body as { model: string }).model === "stub-model")
        .length,
    ).toBe(subjectCallsBefore);
    const report = JSON.parse(
      (
        await candor([
          "report",
          runId,
          "--format",
          "json",
          "--judges",
          "second-opinion",
          "--runs-dir",
          runsDir,
        ])
      ).stdout,
    );
    expect(report.verdict_set).toBe("second-opinion");
    expect(report.cells.length).toBeGreaterThan(0);
  });
});
