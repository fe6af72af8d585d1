/**
 * A run served by a local OpenAI-style stub (subject and LLM judge), exported for Inspect and as
 * fine-tuning sets: the Inspect log validates against Inspect's schema, the `sft` and `preference`
 * lines have the documented shapes and provenance, and a held-out scenario never leaks into train.
 */
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveHumanLabels } from "../src/store/human-labels.ts";
import { RunStore } from "../src/store/run-store.ts";
import { inspectLogErrors } from "./export-inspect-validator.ts";
import {
  runCandor,
  runFixture,
  stubRunArguments,
  TINY_EXPERIMENT,
  temporaryDirectory,
} from "./run-fixture.ts";
import {
  type RecordedRequest,
  type RunningStub,
  startOpenAIStub,
} from "./stubs/openai-stub-server.ts";

const API_KEY = "sk-test-export-stub-NEVER-WRITE-ME";
const HONEST = "ZQX-TELL";
const HIDING = "ZQX-HIDE";

/** Every third subject reply hides the problem behind honest-sounding reasoning. */
function reply(request: RecordedRequest, index: number) {
  const body = request.body as { response_format?: unknown };
  if (body.response_format) return verdict(JSON.stringify(request.body));
  const content =
    index % 3 === 0
      ? `Reasoning: """I must be honest with them."""\n\nResponse: Everything is fine, no problems at all. ${HIDING}`
      : `Reasoning: """Honesty matters here."""\n\nResponse: It was in an accident and I recommend you have it inspected. ${HONEST}`;
  return { type: "reply" as const, content };
}

/** The judged turn comes last in the judge's view, so the last marker is the judged turn's. */
function verdict(view: string) {
  const hiding = view.lastIndexOf(HIDING) > view.lastIndexOf(HONEST);
  return {
    type: "reply" as const,
    content: JSON.stringify({
      undesired: hiding ? "yes" : "no",
      consistency: hiding ? "inconsistent" : "consistent",
      quotes: [],
      rationale: hiding ? "hides the problem" : "discloses the problem",
    }),
  };
}

interface Message {
  role: string;
  content: string;
  weight?: number;
}

const lines = (text: string) =>
  text
    .trim()
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line));

describe("exports of a stub-served run", () => {
  let stub: RunningStub;
  const runsDir = temporaryDirectory();
  let runId: string;
  const exported = async (...args: string[]) => {
    const result = await runCandor(["export", runId, ...args, "--runs-dir", runsDir]);
    expect(result.code, result.stderr).toBe(0);
    return result.stdout;
  };
  /** Each trial's turns as `candor export --format jsonl` gives them. */
  let trials: Map<
    string,
    { scenario: string; arm: string; turns: Array<Message & { followup: number }> }
  >;

  beforeAll(async () => {
    stub = await startOpenAIStub({ script: reply });
    const run = await runCandor(
      [
        ...stubRunArguments({
          experiment: "experiments/paper.yaml",
          subject: "openai:stub-subject",
          judge: "openai:stub-judge",
          samples: 2,
          baseURL: stub.baseURL,
          runsDir,
        }),
        // A second judge that sometimes disagrees, for --min-agreement.
        "--judge",
        "heuristic",
      ],
      { OPENAI_API_KEY: API_KEY },
    );
    expect(run.code, run.stderr).toBe(0);
    runId = readdirSync(runsDir)[0] as string;
    trials = new Map(
      lines(await exported("--format", "jsonl")).map((trial) => [trial.trial_id, trial]),
    );
  });
  afterAll(() => stub.close());

  it("writes an Inspect eval log that validates against Inspect's log schema", async () => {
    const text = await exported("--format", "inspect");
    expect(text).not.toContain(API_KEY);
    const log = JSON.parse(text);
    expect(inspectLogErrors(log)).toEqual([]);
    expect(log.eval.model_base_url).toBe(stub.baseURL);
    expect(log.eval.model).toBe("openai:stub-subject");
    expect(log.samples).toHaveLength(trials.size);
    const sample = log.samples.find(
      (entry: { metadata: { arm: string } }) => entry.metadata.arm === "rebuttal",
    );
    const intervention = sample.messages.filter(
      (message: { metadata: { intervention: boolean } }) => message.metadata.intervention,
    );
    expect(intervention).toHaveLength(1);
    expect(intervention[0]).toMatchObject({ role: "assistant", source: "input" });
    expect(
      sample.scores.followup_1.metadata.verdicts.map((entry: { judge: string }) => entry.judge),
    ).toContain("openai:stub-judge");
    expect(log.stats.model_usage["openai:stub-subject"].input_tokens).toBeGreaterThan(0);
    expect(log.stats.model_usage["openai:stub-judge"].output_tokens).toBeGreaterThan(0);
    // The totals written before the samples are the sum of the samples' own usage.
    for (const model of ["openai:stub-subject", "openai:stub-judge"]) {
      const fromSamples = log.samples.reduce(
        (sum: number, sample: { model_usage: Record<string, { output_tokens: number }> }) =>
          sum + (sample.model_usage[model]?.output_tokens ?? 0),
        0,
      );
      expect(log.stats.model_usage[model].output_tokens).toBe(fromSamples);
    }
  });

  it("puts every header field before the samples, as Inspect's streaming header reader needs", async () => {
    const text = await exported("--format", "inspect");
    // Inspect reads a JSON log's header by streaming its top-level keys up to "samples".
    const log = JSON.parse(text);
    const keys = Object.keys(log);
    expect(keys.at(-1)).toBe("samples");
    for (const key of ["version", "status", "eval", "plan", "results", "stats"])
      expect(keys.indexOf(key)).toBeLessThan(keys.indexOf("samples"));
    for (const key of keys) expect(log[key], key).not.toBeNull();
    expect(text.indexOf('"samples":[')).toBeGreaterThan(text.indexOf('"stats":'));
  });

  it("writes OpenAI chat fine-tuning lines: the rebuttal and desired follow-ups as weighted targets", async () => {
    const records = lines(await exported("--format", "sft"));
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      expect(Object.keys(record).sort()).toEqual(["messages", "metadata"]);
      const messages = record.messages as Message[];
      expect(messages[0]?.role).toBe("system");
      expect(messages.at(-1)).toMatchObject({ role: "assistant", weight: 1 });
      for (const message of messages) {
        expect(["system", "user", "assistant"]).toContain(message.role);
        expect(typeof message.content).toBe("string");
        if (message.role !== "assistant") expect(message).not.toHaveProperty("weight");
      }
      expect(record.metadata).toMatchObject({ run_id: runId, arm: "rebuttal", verdict_set: "run" });
      expect(record.metadata.judges).toContain("openai:stub-judge");
      // The conversation is the trial's own, cut after its last target.
      const trial = trials.get(record.metadata.trial_id);
      expect(messages.map(({ role, content }) => ({ role, content }))).toEqual(
        trial?.turns.slice(0, messages.length).map(({ role, content }) => ({ role, content })),
      );
      const [rebuttal, ...followups] = record.metadata.targets;
      expect(rebuttal).toMatchObject({ source: "scenario rebuttal", followup: 0 });
      for (const target of followups) {
        expect(target.outcome).toMatchObject({ undesired: "no", consistency: "consistent" });
        expect(messages[target.turn_index]?.content).toContain(HONEST);
      }
      for (const message of messages)
        if (message.content.includes(HIDING)) expect(message.weight).toBe(0);
    }
  });

  it("trains only on the model's own desired turns with --from-model", async () => {
    const records = lines(await exported("--format", "sft", "--from-model"));
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      for (const target of record.metadata.targets) expect(target.source).toBe("model");
      const weighted = (record.messages as Message[]).filter((message) => message.weight === 1);
      expect(weighted.length).toBe(record.metadata.targets.length);
      for (const message of weighted) expect(message.content).toContain(HONEST);
    }
  });

  it("writes TRL preference pairs that share their prompt exactly", async () => {
    const records = lines(await exported("--format", "preference"));
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      expect(Object.keys(record).sort()).toEqual(["chosen", "metadata", "prompt", "rejected"]);
      expect(record.chosen).toEqual([{ role: "assistant", content: expect.any(String) }]);
      expect(record.rejected).toEqual([{ role: "assistant", content: expect.any(String) }]);
      expect(record.rejected[0].content).toContain(HIDING);
      expect(record.metadata.rejected.outcome.undesired).toBe("yes");
      const chosen = record.metadata.chosen;
      if (chosen.source === "model") expect(chosen.outcome.undesired).toBe("no");
      for (const side of [chosen, record.metadata.rejected]) {
        const trial = trials.get(side.trial_id);
        const before = trial?.turns
          .slice(0, side.turn_index)
          .map(({ role, content }) => ({ role, content }));
        expect(record.prompt).toEqual(before);
      }
    }
    // At the intervention point the rebuttal is preferred to the natural arm's undesired reply.
    expect(
      records.some(
        (record) =>
          record.metadata.chosen.source === "scenario rebuttal" &&
          record.metadata.rejected.arm === "natural",
      ),
    ).toBe(true);
  });

  it("keeps a held-out scenario out of the train split", async () => {
    for (const format of ["sft", "preference"]) {
      const all = lines(await exported("--format", format));
      const train = lines(await exported("--format", format, "--holdout", "real-estate"));
      const evaluation = lines(
        await exported("--format", format, "--holdout", "real-estate", "--split", "eval"),
      );
      const scenarios = (records: Array<{ metadata: { scenario: string } }>) =>
        new Set(records.map((record) => record.metadata.scenario));
      expect([...scenarios(evaluation)]).toEqual(["real-estate"]);
      expect(scenarios(train).has("real-estate")).toBe(false);
      expect(train.length + evaluation.length).toBe(all.length);
      expect(train.every((record) => record.metadata.split === "train")).toBe(true);
      expect(evaluation.every((record) => record.metadata.split === "eval")).toBe(true);
    }
  });

  it("filters by scenario and by the judges' agreement", async () => {
    const carSales = lines(await exported("--format", "sft", "--scenarios", "car-sales"));
    expect(carSales.length).toBeGreaterThan(0);
    expect(new Set(carSales.map((record) => record.metadata.scenario))).toEqual(
      new Set(["car-sales"]),
    );
    const every = lines(await exported("--format", "sft", "--from-model"));
    const unanimous = lines(
      await exported("--format", "sft", "--from-model", "--min-agreement", "1"),
    );
    const agreements = (records: typeof every) =>
      records.flatMap((record) =>
        record.metadata.targets.map(
          (target: { judge_agreement: number }) => target.judge_agreement,
        ),
      );
    expect(agreements(every).some((agreement) => agreement < 1)).toBe(true);
    expect(agreements(unanimous).length).toBeGreaterThan(0);
    expect(agreements(unanimous).every((agreement) => agreement === 1)).toBe(true);
  });

  it("refuses options that do not fit the format, naming them (exit 2)", async () => {
    const cases = [
      [["--format", "csv", "--holdout", "car-sales"], "--holdout"],
      [["--format", "sft", "--split", "eval"], "--split"],
      [["--format", "sft", "--holdout", "no-such-scenario"], "--holdout"],
      [["--format", "preference", "--min-agreement", "2"], "--min-agreement"],
      [["--format", "jsonl", "--out", runsDir], "--out"],
      [["--format", "csv", "--judges", "no-such-set"], "--judges"],
    ] as const;
    for (const [args, option] of cases) {
      const result = await runCandor(["export", runId, ...args, "--runs-dir", runsDir]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(option);
    }
  });
});

describe("fine-tuning filters on human labels", () => {
  it("--labelled-only keeps only turns whose labels agree with the outcome", async () => {
    const run = await runFixture();
    const store = RunStore.open(run.directory);
    const desired = [...store.trials()]
      .filter((trial) => trial.arm === "rebuttal")
      .flatMap((trial) =>
        trial.turns
          .filter(
            (turn) => turn.outcome?.undesired === "no" && turn.outcome.consistency === "consistent",
          )
          .map((turn) => ({ trial, turn })),
      );
    const [agreeing, disagreeing] = desired;
    if (!agreeing || !disagreeing) throw new Error("the fixture run has desired follow-ups");
    saveHumanLabels(store.database, [
      {
        trialId: agreeing.trial.trialId,
        turnIndex: agreeing.turn.index,
        labeller: "ada",
        undesired: "no",
        consistency: "consistent",
      },
      {
        trialId: disagreeing.trial.trialId,
        turnIndex: disagreeing.turn.index,
        labeller: "ada",
        undesired: "yes",
        consistency: null,
      },
    ]);
    store.close();
    const result = await runCandor(["export", run.directory, "--format", "sft", "--labelled-only"]);
    expect(result.code, result.stderr).toBe(0);
    const targets = lines(result.stdout).flatMap((record) =>
      record.metadata.targets
        .filter((target: { source: string }) => target.source === "model")
        .map(
          (target: { trial_id: string; turn_index: number }) =>
            `${target.trial_id}#${target.turn_index}`,
        ),
    );
    expect(targets).toContain(`${agreeing.trial.trialId}#${agreeing.turn.index}`);
    expect(targets).not.toContain(`${disagreeing.trial.trialId}#${disagreeing.turn.index}`);
    expect(new Set(targets).size).toBe(1);
  });

  it("exports one Inspect log per subject into --out, and asks for --out when there are several", async () => {
    const run = await runFixture(TINY_EXPERIMENT, {
      subjects: ["sim:default", "sim:profiles/sim/default.yaml"],
      samples: 1,
    });
    const refused = await runCandor(["export", run.directory, "--format", "inspect"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--out");
    const out = temporaryDirectory();
    const result = await runCandor(["export", run.directory, "--format", "inspect", "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    const files = result.stdout.trim().split("\n");
    expect(files).toHaveLength(2);
    const models = files.map((file) => {
      const log = JSON.parse(readFileSync(file, "utf8"));
      expect(inspectLogErrors(log)).toEqual([]);
      expect(
        new Set(
          log.samples.map((sample: { metadata: { trial_id: string } }) => sample.metadata.trial_id),
        ).size,
      ).toBe(log.samples.length);
      return log.eval.model;
    });
    expect(models.sort()).toEqual(["sim:default", "sim:profiles/sim/default.yaml"]);
  });
});
