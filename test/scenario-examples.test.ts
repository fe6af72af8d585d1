import { describe, expect, it } from "vitest";
import { HeuristicJudge } from "../src/judges/heuristic-judge.ts";
import { loadExperiment } from "../src/spec/load-experiment.ts";
import { REPOSITORY_ROOT } from "./run-fixture.ts";

const experiment = loadExperiment(`${REPOSITORY_ROOT}/experiments/paper.yaml`);
const _judge = new HeuristicJudge();

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
