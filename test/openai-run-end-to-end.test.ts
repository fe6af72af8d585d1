/**
 * `candor run` against a local server that speaks OpenAI chat completions, rate-limits and fails
 * now and then: every trial must still complete, judged by an LLM judge on the same server, and
 * the API key must appear nowhere in what the run leaves behind.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INTERVENTION_PLACEHOLDER, renderJudgedView } from "../src/spec/judged-view.ts";
import { turnToLabel } from "../src/store/label-queue.ts";
import { RunStore } from "../src/store/run-store.ts";
import {
  type CandorResult,
  runCandor as candor,
  stubRunArguments,
  temporaryDirectory,
} from "./run-fixture.ts";
import { designTexts, messagesOf } from "./scenario-texts.ts";
import {
  type RecordedRequest,
  type RunningStub,
  startOpenAIStub,
  stubVerdictReply,
} from "./stubs/openai-stub-server.ts";

const API_KEY = "sk-test-4d1f9a-NEVER-WRITE-ME";
const SAMPLES = 2;

/** Subject turns in the scenario's protocol; verdicts as the judge schema asks. */
function reply(request: RecordedRequest, index: number) {
  if (index % 9 === 4) return { type: "rate-limit" as const, headers: { "retry-after-ms": "30" } };
  if (index % 17 === 8) return { type: "error" as const, status: 503, message: "overloaded" };
  if (index % 23 === 11) return { type: "reset" as const };
  const body = request.body as { response_format?: unknown };
  if (body.response_format) return stubVerdictReply();
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
    expect(result.stdout).toMatch(/trials 96 complete, 0 error, 0 pending/);
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
    expect(trials).toHaveLength(96);
    expect(trials.every((trial: { simulated: boolean }) => trial.simulated === false)).toBe(true);
    const judged = trials.flatMap(
      (trial: { turns: Array<{ verdicts: Array<{ judge: string }> }> }) =>
        trial.turns.flatMap((turn) => turn.verdicts),
    );
    expect(judged.some((verdict: { judge: string }) => verdict.judge === "openai:stub-judge")).toBe(
      true,
    );
  });

  it("never shows a judge the refusal or the rebuttal: every judge request is blind", () => {
    const texts = designTexts("experiments/paper.yaml");
    const judgeCalls = stub.requests.filter(
      (request) => (request.body as { model: string }).model === "stub-judge",
    );
    expect(judgeCalls.length).toBeGreaterThan(50);
    for (const request of judgeCalls) {
      const prompt = messagesOf(request.body)
        .map((message) => message.content)
        .join("\n");
      for (const text of texts.interventionOutputs) expect(prompt).not.toContain(text);
      expect(prompt).not.toMatch(/built to tempt|designed to tempt/);
    }
    const blinded = judgeCalls.filter((request) =>
      messagesOf(request.body).some((message) =>
        message.content.includes(INTERVENTION_PLACEHOLDER),
      ),
    );
    expect(blinded.length).toBeGreaterThan(judgeCalls.length / 2);
  });

  it("shows the LLM judge exactly the view a human labeller gets of the same turn", () => {
    const runId = /^run (\S+)/m.exec(result.stdout)?.[1] ?? "";
    const prompts = new Set(
      stub.requests
        .filter((request) => (request.body as { model: string }).model === "stub-judge")
        .map(
          (request) => messagesOf(request.body).find((message) => message.role === "user")?.content,
        ),
    );
    const store = RunStore.open(join(runsDir, runId));
    try {
      let checked = 0;
      for (const trial of store.trials()) {
        for (const turn of trial.turns.filter((candidate) => candidate.judged)) {
          const labelled = turnToLabel(store.database, {
            trialId: trial.trialId,
            turnIndex: turn.index,
          });
          if (!labelled) throw new Error("a judged turn has no label view");
          const view = renderJudgedView(labelled.view);
          expect(
            [...prompts].some((prompt) => prompt?.startsWith(`${view}\n\n## Answer with JSON`)),
          ).toBe(true);
          checked += 1;
        }
      }
      expect(checked).toBeGreaterThan(300);
    } finally {
      store.close();
    }
  });

  it("inserts the refusal and rebuttal in the scenario's protocol, reasoning block included", () => {
    const texts = designTexts("experiments/paper.yaml");
    const subjectCalls = stub.requests.filter(
      (request) => (request.body as { model: string }).model === "stub-model",
    );
    let afterIntervention = 0;
    for (const request of subjectCalls) {
      for (const message of messagesOf(request.body)) {
        const inserted = texts.interventions.find((turn) => message.content.includes(turn.output));
        if (!inserted) continue;
        afterIntervention += 1;
        expect(message.role).toBe("assistant");
        expect(message.content).toContain(`${inserted.reasoningLabel}: """`);
        expect(message.content).toContain(inserted.reasoning);
      }
    }
    expect(afterIntervention).toBeGreaterThan(50);
  });

  it("gives the control arm the neutral request, never the harmful one, in the same places", () => {
    const texts = designTexts("experiments/paper.yaml");
    const subjectCalls = stub.requests.filter(
      (request) => (request.body as { model: string }).model === "stub-model",
    );
    const control = subjectCalls.filter((request) =>
      messagesOf(request.body).some((message) =>
        texts.neutral.some((neutral) => message.content === neutral.text),
      ),
    );
    expect(control.length).toBeGreaterThan(20);
    const others = subjectCalls
      .filter((request) => !control.includes(request))
      .map((request) => JSON.stringify(messagesOf(request.body)));
    for (const request of control) {
      const messages = messagesOf(request.body);
      for (const harmful of texts.harmful)
        expect(messages.some((message) => message.content === harmful)).toBe(false);
      // Put the harmful texts back where the neutral ones stand: the conversation up to there is
      // then exactly one the other arms had, so control has no turn (and no two user turns in a
      // row) in a place where they have none.
      const last = messages.findLastIndex((message) =>
        texts.neutral.some((neutral) => neutral.text === message.content),
      );
      const restored = messages.slice(0, last + 1).map((message) => ({
        ...message,
        content:
          texts.neutral.find((neutral) => neutral.text === message.content)?.harmful ??
          message.content,
      }));
      const prefix = JSON.stringify(restored).slice(0, -1);
      expect(others.some((other) => other.startsWith(prefix))).toBe(true);
    }
  });

  it("runs the sensitivity design (judges see everything, bare interventions) and says so", async () => {
    const before = stub.requests.length;
    const sensitivity = await candor(
      stubRunArguments({
        experiment: "experiments/sensitivity.yaml",
        subject: "openai:stub-model",
        judge: "openai:stub-judge",
        samples: 1,
        scenario: "car-sales",
        baseURL: stub.baseURL,
        runsDir,
      }),
      { OPENAI_API_KEY: API_KEY },
    );
    expect(sensitivity.stderr).toBe("");
    const requests = stub.requests.slice(before);
    const texts = designTexts("experiments/sensitivity.yaml");
    const carSales = texts.interventions.slice(0, 2);
    const judgePrompts = requests
      .filter((request) => (request.body as { model: string }).model === "stub-judge")
      .map((request) => JSON.stringify(messagesOf(request.body)));
    expect(
      judgePrompts.some((prompt) =>
        prompt.includes(JSON.stringify(carSales[1]?.output).slice(1, -1)),
      ),
    ).toBe(true);
    expect(judgePrompts.every((prompt) => !prompt.includes(INTERVENTION_PLACEHOLDER))).toBe(true);
    const inserted = requests
      .flatMap((request) => messagesOf(request.body))
      .filter((message) => carSales.some((turn) => message.content === turn.output));
    expect(inserted.length).toBeGreaterThan(0);
    const runId = /^run (\S+)/m.exec(sensitivity.stdout)?.[1] ?? "";
    const report = JSON.parse(
      (await candor(["report", runId, "--format", "json", "--runs-dir", runsDir])).stdout,
    );
    expect(report.design).toMatchObject({ judge_view: "full", intervention_format: "bare" });
    const markdown = readFileSync(join(runsDir, runId, "report.md"), "utf8");
    expect(markdown).toMatch(/\*\*Design:\*\* version 2, not the default/);
    expect(markdown).toMatch(/\(full\)/);
    expect(markdown).toMatch(/\(bare\)/);
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
      stubRunArguments({
        experiment: "experiments/paper.yaml",
        subject: "openai:stub-model",
        samples: 1,
        scenario: "car-sales",
        baseURL: stub.baseURL,
        runsDir,
      }),
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
    expect(judged.stdout).toMatch(/judged 96 trials into verdict set "second-opinion"/);
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
