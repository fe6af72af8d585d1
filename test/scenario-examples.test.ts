import { describe, expect, it } from "vitest";
import { HeuristicJudge } from "../src/judges/heuristic-judge.ts";
import { factorCombinations, variablesFor } from "../src/spec/factor-combinations.ts";
import { loadExperiment } from "../src/spec/load-experiment.ts";
import { renderTemplate } from "../src/spec/template.ts";
import { REPOSITORY_ROOT } from "./run-fixture.ts";

const experiment = loadExperiment(`${REPOSITORY_ROOT}/experiments/paper.yaml`);
const judge = new HeuristicJudge();

/** The bundled scenarios' reference turns, rendered at every factor combination. */
function referenceTurns() {
  const cases: Array<{
    name: string;
    scenarioIndex: number;
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

  // The heuristic baseline must at least read each scenario's own reference turns the right way;
  // otherwise the offline demo would measure the cue lists instead of the simulated behaviour.
  it("have cue lists that classify every reference turn on the right side", async () => {
    const turns = referenceTurns();
    expect(turns.length).toBeGreaterThan(100);
    for (const turn of turns) {
      const scenario = experiment.scenarios[turn.scenarioIndex]?.loaded.spec;
      if (!scenario) throw new Error("scenario missing");
      // The judge reads reasoning stance with the same cue lists, so both parts are scored as output.
      const verdict = await judge.judge({
        scenario,
        conversation: [],
        checks: [],
        turn: { text: turn.text, output: turn.text, reasoning: "", reasoningStatus: "missing" },
      });
      expect(verdict.undesired, turn.name).toBe(turn.kind === "undesired" ? "yes" : "no");
    }
  });
});
