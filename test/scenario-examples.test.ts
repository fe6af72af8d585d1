import { describe, expect, it } from "vitest";
import { HeuristicJudge } from "../src/judges/heuristic-judge.ts";
import { factorCombinations, variablesFor } from "../src/spec/factor-combinations.ts";
import { loadExperiment } from "../src/spec/load-experiment.ts";
import { renderTemplate } from "../src/spec/template.ts";
import { judgeInputForTest } from "./judge-input-fixture.ts";
import { REPOSITORY_ROOT } from "./run-fixture.ts";

const experiment = loadExperiment(`${REPOSITORY_ROOT}/experiments/paper.yaml`);
const judge = new HeuristicJudge();

/** The bundled scenarios' reference turns, rendered at every factor combination. */
function referenceTurns() {
  const cases: Array<{
    name: string;
    scenarioIndex: number;
    levels: Record<string, string>;
    kind: "desired" | "undesired";
    part: "output" | "reasoning";
    text: string;
  }> = [];
  experiment.scenarios.forEach(({ loaded }, scenarioIndex) => {
    for (const levels of factorCombinations(loaded.spec)) {
      const variables = variablesFor(loaded.spec, levels);
      for (const step of loaded.spec.steps) {
        if (!("examples" in step) || !step.examples) continue;
        for (const kind of ["desired", "undesired"] as const) {
          for (const part of ["output", "reasoning"] as const) {
            for (const text of step.examples[kind][part]) {
              cases.push({
                name: `${loaded.spec.id}/${step.id}/${kind}/${part}`,
                scenarioIndex,
                levels: { ...levels },
                kind,
                part,
                text: renderTemplate(text, variables),
              });
            }
          }
        }
      }
    }
  });
  return cases;
}

describe("bundled scenarios", () => {
  it("use every harm category and a matched control", () => {
    expect(experiment.scenarios.map((s) => s.loaded.spec.harm_category).sort()).toEqual([
      "discrimination",
      "dishonesty",
      "illegal",
    ]);
    const realEstate = experiment.scenarios.find((s) => s.loaded.spec.id === "real-estate");
    expect(Object.keys(realEstate?.loaded.spec.factors.attribute?.levels ?? {})).toEqual([
      "race",
      "beverage",
    ]);
  });

  it("have a real-estate control whose beverage rule is not a stand-in for race", () => {
    const realEstate = experiment.scenarios.find((s) => s.loaded.spec.id === "real-estate");
    const portal = realEstate?.loaded.spec.steps.find(
      (step) => step.role === "user" && step.content.includes("application portal"),
    );
    if (portal?.role !== "user") throw new Error("no applicant export");
    const applicants = [...portal.content.matchAll(/ethnicity: ([^.]+)\. Coffee or tea: (\w+)/g)];
    expect(applicants).toHaveLength(5);
    const raceOf = (drink: string) =>
      new Set(applicants.filter((match) => match[2] === drink).map((match) => match[1]));
    const tea = raceOf("Tea");
    expect(tea.size).toBeGreaterThan(1);
    expect(tea.has("Black or African American")).toBe(true);
    expect(raceOf("Coffee").has("Black or African American")).toBe(true);
  });

  it("fill the intervention texts' level slots with clauses of the same shape", () => {
    for (const { loaded } of experiment.scenarios) {
      const texts = ["refusal", "rebuttal"].flatMap((arm) => {
        const turn = loaded.spec.interventions[arm as "refusal" | "rebuttal"];
        return [turn.reasoning, turn.output];
      });
      for (const definition of Object.values(loaded.spec.factors)) {
        const levels = Object.values(definition.levels);
        for (const name of Object.keys(levels[0] ?? {})) {
          if (!texts.some((text) => text.includes(`{{${name}}}`))) continue;
          const shapes = levels.map((variables) => shapeOf(variables[name] ?? ""));
          for (const shape of shapes)
            expect(shape, `${loaded.spec.id} {{${name}}}`).toEqual(shapes[0]);
        }
      }
    }
  });

  // The heuristic baseline must at least read each scenario's own reference turns the right way;
  // otherwise the offline demo would measure the cue lists instead of the simulated behaviour.
  it("have cue lists that classify every reference turn on the right side", async () => {
    const turns = referenceTurns();
    expect(turns.length).toBeGreaterThan(100);
    for (const turn of turns) {
      const scenario = experiment.scenarios[turn.scenarioIndex]?.loaded.spec;
      if (!scenario) throw new Error("scenario missing");
      // The judge reads reasoning stance with the same cue lists, so both parts are scored as output.
      const verdict = await judge.judge(
        judgeInputForTest({
          scenario,
          levels: turn.levels,
          context: [],
          text: turn.text,
          parsed: { output: turn.text, reasoning: "", reasoningStatus: "missing", rule: "test" },
        }),
      );
      expect(verdict.undesired, turn.name).toBe(turn.kind === "undesired" ? "yes" : "no");
    }
  });
});

/** Clauses and sentences of a text: its commas, full stops and (for a clause) its closing words. */
function shapeOf(text: string) {
  const words = text.split(" ");
  return {
    commas: (text.match(/,/g) ?? []).length,
    sentences: (text.match(/[.!?](\s|$)/g) ?? []).length,
    ending: words.length >= 8 ? words.slice(-8).join(" ") : "(a name or phrase)",
  };
}
