import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCheck } from "../src/judges/check-judge.ts";
import { HeuristicJudge } from "../src/judges/heuristic-judge.ts";
import type { JudgedTurn } from "../src/judges/judge.ts";
import { factorCombinations, stepApplies } from "../src/spec/factor-combinations.ts";
import { loadExperiment } from "../src/spec/load-experiment.ts";
import { loadScenario } from "../src/spec/load-scenario.ts";
import { type ReferenceTurn, referenceTurns } from "../src/spec/reference-turns.ts";
import { compilePattern } from "../src/spec/safe-pattern.ts";
import {
  RECOMMENDED_HARM_CATEGORIES,
  type ScenarioSpec,
  type StepSpec,
} from "../src/spec/scenario.ts";
import { judgeInputForTest } from "./judge-input-fixture.ts";
import {
  REPOSITORY_ROOT,
  runCandor,
  runCandorSync,
  runFixture,
  stubRunArguments,
  temporaryDirectory,
} from "./run-fixture.ts";
import { messagesOf } from "./scenario-texts.ts";
import {
  type RecordedRequest,
  startOpenAIStub,
  stubVerdictReply,
} from "./stubs/openai-stub-server.ts";

const LIBRARY = join(REPOSITORY_ROOT, "experiments/library.yaml");
const SCENARIO_DIR = join(REPOSITORY_ROOT, "scenarios");
const scenarioFiles = readdirSync(SCENARIO_DIR)
  .filter((name) => name.endsWith(".yaml"))
  .sort();
const library = loadExperiment(LIBRARY);
const scenarios = library.scenarios.map(({ loaded }) => loaded.spec);
const judge = new HeuristicJudge();

interface ExportedTrial {
  scenario: string;
  arm: string;
  turns: Array<{ source: string; followup: number; outcome: object | null }>;
}

type JudgedStep = Extract<StepSpec, { role: "intervention" | "followup" }>;

const judgedSteps = (scenario: ScenarioSpec) =>
  scenario.steps.filter(
    (step): step is JudgedStep => step.role === "intervention" || step.role === "followup",
  );

const isAgentic = (scenario: ScenarioSpec) => scenario.reasoning.output_label === "Action";

/** A reference turn's name in a failure message. */
const nameOf = (scenario: ScenarioSpec, turn: ReferenceTurn) =>
  `${scenario.id} ${JSON.stringify(turn.levels)} ${turn.field}`;

describe("the bundled scenario library", () => {
  it("validates every file in scenarios/, and experiments/library.yaml runs them all", () => {
    expect(scenarioFiles.length).toBeGreaterThanOrEqual(17);
    const ids = scenarioFiles.map((name) => loadScenario(join(SCENARIO_DIR, name)).spec.id);
    expect(ids).toEqual(scenarioFiles.map((name) => name.replace(/\.yaml$/, "")));
    expect(scenarios.map((scenario) => scenario.id).sort()).toEqual(ids);
    expect(library.spec.arms).toEqual(["refusal", "rebuttal", "natural", "control"]);
  });

  it("spans harm categories, settings and agentic protocols", () => {
    const categories = new Set(scenarios.map((scenario) => scenario.harm_category));
    expect(categories.size).toBeGreaterThanOrEqual(8);
    for (const category of categories)
      expect(RECOMMENDED_HARM_CATEGORIES as readonly string[]).toContain(category);
    expect(scenarios.filter(isAgentic).length).toBeGreaterThanOrEqual(8);
    expect(new Set(scenarios.map((scenario) => scenario.system_prompt)).size).toBe(
      scenarios.length,
    );
  });

  it.each(scenarios.map((scenario) => [scenario.id, scenario] as const))(
    "%s has the parts of a complete scenario",
    (_id, scenario) => {
      expect(Object.keys(scenario.factors).length).toBeGreaterThanOrEqual(1);
      for (const factor of Object.values(scenario.factors))
        expect(Object.keys(factor.levels).length).toBeGreaterThanOrEqual(2);
      expect(scenario.judging.cues).toBeDefined();
      expect(scenario.judging.undesired.length).toBeGreaterThan(300);
      const followups = scenario.steps.filter((step) => step.role === "followup");
      expect(followups.length).toBeGreaterThanOrEqual(3);
      // Every judged step carries desired and undesired reference turns, reasoning and output.
      for (const step of judgedSteps(scenario)) {
        expect(step.examples, `${scenario.id}/${step.id}`).toBeDefined();
        for (const kind of ["desired", "undesired"] as const)
          for (const part of ["reasoning", "output"] as const)
            expect(step.examples?.[kind][part].length).toBeGreaterThanOrEqual(2);
      }
      // Every factor combination plays exactly one intervention after a harmful request that has
      // a neutral counterpart for the control arm.
      for (const levels of factorCombinations(scenario)) {
        const played = scenario.steps.filter(
          (step) => !("when" in step) || stepApplies(step.when, levels),
        );
        expect(played.filter((step) => step.role === "intervention")).toHaveLength(1);
        const harmful = played.filter((step) => step.role === "user" && step.harmful);
        expect(harmful.length).toBeGreaterThanOrEqual(1);
        for (const step of harmful)
          expect(step.role === "user" && step.neutral, `${scenario.id} neutral`).toBeTruthy();
      }
    },
  );

  it("writes the refusal without naming the harm and the rebuttal in the scenario's protocol", () => {
    for (const scenario of scenarios) {
      const { refusal, rebuttal } = scenario.interventions;
      expect(refusal.reasoning.split(/[.!?]\s/).length, scenario.id).toBeLessThanOrEqual(3);
      // The desired cues name the harm and why; the refusal must match none of them.
      for (const cue of scenario.judging.cues?.desired ?? []) {
        const pattern = compilePattern(cue, "i");
        expect(pattern.test(refusal.reasoning) || pattern.test(refusal.output), cue).toBe(false);
      }
      expect(rebuttal.reasoning.length, scenario.id).toBeGreaterThan(3 * refusal.reasoning.length);
      if (isAgentic(scenario)) {
        for (const turn of [refusal, rebuttal])
          expect(turn.output, scenario.id).toMatch(/^Action: \w+\nAction Input: /);
      }
    }
  });

  // The offline demo measures the simulated subject only if the heuristic reads each scenario's
  // own reference turns the right way.
  it("has cue lists that put every reference turn on the right side", async () => {
    let scored = 0;
    for (const scenario of scenarios) {
      for (const turn of referenceTurns(scenario)) {
        const verdict = await judge.judge(
          judgeInputForTest({
            scenario,
            levels: turn.levels,
            context: [],
            text: turn.text,
            parsed: { output: turn.text, reasoning: "", reasoningStatus: "missing", rule: "test" },
          }),
        );
        expect(verdict.undesired, nameOf(scenario, turn)).toBe(
          turn.kind === "undesired" ? "yes" : "no",
        );
        scored += 1;
      }
    }
    expect(scored).toBeGreaterThan(500);
  });

  it("has deterministic checks that never call a desired reference output undesired", () => {
    const agenticWithChecks = scenarios.filter(
      (scenario) => isAgentic(scenario) && judgedSteps(scenario).some((step) => step.checks),
    );
    expect(agenticWithChecks.length).toBeGreaterThanOrEqual(8);
    let caught = 0;
    for (const scenario of scenarios) {
      for (const turn of referenceTurns(scenario)) {
        if (turn.part !== "output" || !turn.step.checks) continue;
        const judged: JudgedTurn = {
          text: turn.text,
          output: turn.text,
          reasoning: "",
          reasoningStatus: "missing",
        };
        const labels = turn.step.checks.map((check) => runCheck(check, judged).label);
        if (turn.kind === "desired") expect(labels, nameOf(scenario, turn)).not.toContain("yes");
        else if (labels.includes("yes")) caught += 1;
      }
    }
    expect(caught).toBeGreaterThan(40);
  });

  it("runs on the simulated subject with every trial complete", async () => {
    const run = await runFixture(LIBRARY, { samples: 1 });
    const cells = scenarios.reduce(
      (total, scenario) => total + factorCombinations(scenario).length * 4,
      0,
    );
    expect(run.counts).toEqual({ pending: 0, complete: cells, error: 0 });
    const exported = runCandorSync([
      "export",
      run.runId,
      "--format",
      "jsonl",
      "--runs-dir",
      run.runsDir,
    ]);
    expect(exported.code).toBe(0);
    const trials = exported.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as ExportedTrial);
    expect(new Set(trials.map((trial) => trial.scenario)).size).toBe(scenarios.length);
    for (const trial of trials) {
      const name = `${trial.scenario} ${trial.arm}`;
      // Every trial plays all its follow-ups, and outside the control arm every one is judged.
      const replies = trial.turns.filter(
        (turn) => turn.source === "generated" && turn.followup > 0,
      );
      expect(replies.length, name).toBeGreaterThanOrEqual(3);
      if (trial.arm !== "control")
        expect(
          replies.every((turn) => turn.outcome !== null),
          name,
        ).toBe(true);
    }
  }, 240_000);

  it("runs on a stub-served model with an LLM judge that reads each scenario's definition", async () => {
    const stub = await startOpenAIStub({ script: stubSubjectOrJudge });
    try {
      const result = await runCandor(
        stubRunArguments({
          experiment: "experiments/library.yaml",
          subject: "openai:stub-subject",
          judge: "openai:stub-judge",
          samples: 1,
          baseURL: stub.baseURL,
          runsDir: temporaryDirectory(),
        }),
        { OPENAI_API_KEY: "sk-test-library" },
      );
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/trials \d+ complete, 0 error, 0 pending/);
      const judgePrompts = stub.requests
        .filter((request) => (request.body as { model: string }).model === "stub-judge")
        .map((request) =>
          messagesOf(request.body)
            .map((message) => message.content)
            .join("\n"),
        );
      for (const scenario of scenarios) {
        const definition = scenario.judging.undesired.slice(0, 80);
        expect(
          judgePrompts.some((prompt) => prompt.includes(definition)),
          scenario.id,
        ).toBe(true);
      }
    } finally {
      await stub.close();
    }
  }, 300_000);
});

/** Verdicts where the judge asks for structured output; otherwise a turn in the scenario's protocol. */
function stubSubjectOrJudge(request: RecordedRequest) {
  const body = request.body as { response_format?: unknown };
  if (body.response_format) return stubVerdictReply();
  const agentic = messagesOf(request.body).some((message) =>
    message.content.includes("Action Input:"),
  );
  return {
    type: "reply" as const,
    content: agentic
      ? 'Reasoning: """I will not do that."""\nAction: send_message\nAction Input: someone, """I won\'t do that."""'
      : 'Reasoning: """I will not do that."""\n\nResponse: I won\'t do that.',
  };
}
