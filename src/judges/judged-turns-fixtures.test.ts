/**
 * The hand-labelled fixture set (test/fixtures/judged-turns/): prompts rendered for every turn,
 * a judge that answers like the humans reproduces their labels through parsing, invented quotes
 * are caught, and agreement with the humans is computed as validate-judge does.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { judgeInputForTest } from "../../test/judge-input-fixture.ts";
import { parseReasoning } from "../reasoning/parse-reasoning.ts";
import { validateJudges } from "../report/validate-judges.ts";
import type { GenerateResult, LanguageModel } from "../spec/language-model.ts";
import { loadScenario } from "../spec/load-scenario.ts";
import { cohenKappa } from "../stats/index.ts";
import { HeuristicJudge } from "./heuristic-judge.ts";
import type { JudgeInput } from "./judge.ts";
import { LlmJudge } from "./llm-judge.ts";
import { judgePromptMessages } from "./llm-judge-prompt.ts";

interface Fixture {
  id: string;
  scenario: string;
  step_id: string;
  context: string;
  turn: string;
  labels: {
    undesired: "yes" | "no";
    reasoning: "present" | "missing" | "hidden";
    consistency: string;
  };
  hard_case: string;
  note: string;
}

const root = new URL("../../", import.meta.url);
const fixtures = parse(
  readFileSync(new URL("test/fixtures/judged-turns/judged-turns.yaml", root), "utf8"),
) as Fixture[];
const scenarios = new Map(
  ["car-sales", "real-estate", "insider-trading"].map((id) => [
    id,
    loadScenario(new URL(`scenarios/${id}.yaml`, root).pathname).spec,
  ]),
);

function judgeInput(fixture: Fixture): JudgeInput {
  const scenario = scenarios.get(fixture.scenario);
  if (!scenario) throw new Error(`unknown scenario ${fixture.scenario}`);
  const split = parseReasoning(fixture.turn, {
    reasoningLabel: scenario.reasoning.reasoning_label,
    outputLabel: scenario.reasoning.output_label,
  });
  const reasoningStatus = fixture.labels.reasoning === "hidden" ? "hidden" : split.reasoningStatus;
  return judgeInputForTest({
    scenario,
    context: [
      { role: "system", content: scenario.system_prompt },
      { role: "user", content: fixture.context },
    ],
    text: fixture.turn,
    parsed: { ...split, reasoningStatus },
  });
}

/** A judge model that answers as the humans did, quoting the given span. */
function answering(reply: (fixture: Fixture) => object, fixture: Fixture): LanguageModel {
  return {
    spec: "stub:gold",
    simulated: false,
    async generate(): Promise<GenerateResult> {
      return {
        text: JSON.stringify(reply(fixture)),
        usage: { inputTokens: 1, outputTokens: 1 },
        modelId: "gold",
        finishReason: "stop",
        latencyMs: 0,
      };
    },
  };
}

describe("the labelled judged-turn fixtures", () => {
  it("hold at least 60 turns covering every label and hard case", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(60);
    const seen = (pick: (fixture: Fixture) => string) => new Set(fixtures.map(pick));
    expect(seen((fixture) => fixture.labels.undesired)).toEqual(new Set(["yes", "no"]));
    expect(seen((fixture) => fixture.labels.reasoning)).toEqual(
      new Set(["present", "missing", "hidden"]),
    );
    expect(seen((fixture) => fixture.labels.consistency)).toEqual(
      new Set(["consistent", "inconsistent", "not_applicable"]),
    );
    for (const hard of [
      "ethical-reasoning-unethical-output",
      "reasoning-after-answer",
      "refusal-then-compliance",
      "quote-bait",
      "missing-reasoning",
      "malformed",
    ]) {
      expect(
        fixtures.filter((fixture) => fixture.hard_case === hard).length,
        hard,
      ).toBeGreaterThanOrEqual(4);
    }
  });

  it("render judge prompts with the definition and the turn, and never the humans' labels or notes", () => {
    for (const fixture of fixtures) {
      const input = judgeInput(fixture);
      const prompt = judgePromptMessages(input.view)
        .map((message) => message.content)
        .join("\n");
      expect(prompt, fixture.id).toContain(input.view.definition);
      if (input.turn.output) expect(prompt, fixture.id).toContain(input.turn.output);
      expect(prompt, fixture.id).not.toContain(fixture.note.slice(0, 60));
    }
  });

  it("give back the humans' labels from a judge that answers like them", async () => {
    for (const fixture of fixtures) {
      const input = judgeInput(fixture);
      const quote = fixture.turn.trim().slice(0, 24);
      const model = answering(
        (item) => ({
          undesired: item.labels.undesired,
          consistency: item.labels.consistency,
          quotes: [quote],
          rationale: item.note,
        }),
        fixture,
      );
      const verdict = await new LlmJudge(model).judge(input);
      expect(verdict.undesired, fixture.id).toBe(fixture.labels.undesired);
      if (input.turn.reasoningStatus === "present")
        expect(verdict.consistency, fixture.id).toBe(fixture.labels.consistency);
      else expect(verdict.consistency, fixture.id).toBe("not_applicable");
    }
  });

  it("catch the quote-bait: a judge quoting words the turn never says is inconclusive", async () => {
    const bait = fixtures.filter((fixture) => fixture.hard_case === "quote-bait");
    for (const fixture of bait) {
      const invented =
        /"([^"]{8,})"/.exec(fixture.note)?.[1] ?? "words that are not in the turn at all";
      expect(fixture.turn.includes(invented), fixture.id).toBe(false);
      const model = answering(
        () => ({
          undesired: "yes",
          consistency: "inconsistent",
          quotes: [invented],
          rationale: "x",
        }),
        fixture,
      );
      const verdict = await new LlmJudge(model).judge(judgeInput(fixture));
      expect(verdict.undesired, fixture.id).toBe("inconclusive");
      expect(verdict.inconclusiveReason, fixture.id).toMatch(/quote not found/);
    }
  });

  it("measure the heuristic baseline against the humans the way validate-judge does", async () => {
    const heuristic = new HeuristicJudge();
    const rows = [];
    for (const fixture of fixtures) {
      const verdict = await heuristic.judge(judgeInput(fixture));
      rows.push({
        verdictSet: "run",
        labeller: "fixture",
        judge: "heuristic",
        judgeUndesired: verdict.undesired,
        judgeConsistency: verdict.consistency,
        humanUndesired: fixture.labels.undesired,
        humanConsistency: fixture.labels.consistency,
      });
    }
    const [undesired] = validateJudges(rows);
    const decided = rows.filter(
      (row) => row.judgeUndesired === "yes" || row.judgeUndesired === "no",
    );
    expect(undesired?.n).toBe(decided.length);
    expect(undesired?.inconclusive).toBe(fixtures.length - decided.length);
    expect(undesired?.kappa.value).toBeCloseTo(
      cohenKappa(decided.map((row) => [row.judgeUndesired as string, row.humanUndesired])).kappa,
      12,
    );
  });
});
