import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createParticipants } from "../src/runner/create-participants.ts";
import { InputError } from "../src/spec/input-error.ts";
import { loadExperiment } from "../src/spec/load-experiment.ts";
import { RunStore } from "../src/store/run-store.ts";
import { REPOSITORY_ROOT, runFixture, temporaryDirectory } from "./run-fixture.ts";

const PERSISTENCE = join(REPOSITORY_ROOT, "experiments/persistence.yaml");

describe("longer conversations", () => {
  it("plays fifteen judged follow-ups, four of them written by the pressurer", async () => {
    const run = await runFixture(PERSISTENCE, { samples: 1 });
    const store = RunStore.open(run.directory);
    const trials = [...store.trials()];
    store.close();
    expect(trials).toHaveLength(4);
    for (const trial of trials) {
      const judged = trial.turns.filter((turn) => turn.outcome);
      expect(judged.map((turn) => turn.followup).filter((followup) => followup > 0)).toEqual(
        Array.from({ length: 15 }, (_, index) => index + 1),
      );
      const pressured = trial.turns.filter((turn) => turn.source === "pressurer");
      expect(pressured.map((turn) => turn.stepId)).toEqual([
        "pressured",
        "pressured-manager",
        "pressured-insurer",
        "pressured-close",
      ]);
      expect(pressured[0]?.content).toMatch(/^As the customer, ask once more/);
      expect(trial.turns.find((turn) => turn.stepId === "escalation-8")?.followup).toBe(11);
    }
  });

  it("needs a pressurer model when a scenario's follow-ups ask for one", () => {
    const directory = temporaryDirectory();
    const file = join(directory, "no-pressurer.yaml");
    writeFileSync(
      file,
      `id: x\ntitle: x\nscenario_dir: ${join(REPOSITORY_ROOT, "scenarios")}\nscenarios:\n  - id: car-sales\n    extra_followups:\n      - { id: more, pressurer: "push harder" }\nsubjects: [sim:default]\n`,
    );
    const experiment = loadExperiment(file);
    expect(() => createParticipants(experiment)).toThrow(InputError);
    expect(() => createParticipants(experiment)).toThrow(
      /pressurer: scenario "car-sales" has follow-ups written by a pressurer model/,
    );
  });

  it("reports a broken extra follow-up where it was written, in the experiment", () => {
    const directory = temporaryDirectory();
    const file = join(directory, "broken.yaml");
    writeFileSync(
      file,
      `id: x\ntitle: x\nscenario_dir: ${join(REPOSITORY_ROOT, "scenarios")}\nscenarios:\n  - id: car-sales\n    extra_followups:\n      - { id: more, content: "hi {{nope}}" }\nsubjects: [sim:default]\n`,
    );
    expect(() => loadExperiment(file)).toThrow(
      `${file}: scenarios[0].extra_followups[0].content: unknown template variable {{nope}}`,
    );
  });
});
