import { beforeAll, describe, expect, it } from "vitest";
import { runFixture } from "../../test/run-fixture.ts";
import { saveHumanLabels } from "./human-labels.ts";
import { LabelQueue, labelKey, turnToLabel } from "./label-queue.ts";
import { RunStore } from "./run-store.ts";

describe("the blind labelling order", () => {
  let store: RunStore;
  let runId = "";

  beforeAll(async () => {
    const run = await runFixture();
    runId = run.runId;
    store = RunStore.open(run.directory);
    return () => store.close();
  });

  const nextTurnToLabel = (labeller: string, skipped?: Set<string>) =>
    LabelQueue.build(store.database, labeller, runId).next(store.database, skipped);
  const strataOf = (keys: readonly string[]) => {
    const arms = store.database
      .prepare("SELECT trial_id, scenario_id, arm FROM trials")
      .all() as Array<{
      trial_id: string;
      scenario_id: string;
      arm: string;
    }>;
    const byTrial = new Map(arms.map((row) => [row.trial_id, `${row.scenario_id}/${row.arm}`]));
    return keys.map((key) => byTrial.get(key.split("#")[0] as string));
  };

  it("covers every stratum before it repeats one, and never offers a labelled turn", () => {
    const strata = new Set(
      (
        store.database
          .prepare("SELECT DISTINCT scenario_id || '/' || arm AS s FROM trials")
          .all() as Array<{ s: string }>
      ).map((row) => row.s),
    );
    const labelled: string[] = [];
    for (let round = 0; round < strata.size * 2; round++) {
      const next = nextTurnToLabel("alice");
      if (!next) throw new Error("ran out of turns");
      expect(labelled).not.toContain(labelKey(next));
      labelled.push(labelKey(next));
      saveHumanLabels(store.database, [
        { ...next, labeller: "alice", undesired: "no", consistency: null },
      ]);
    }
    const seen = strataOf(labelled);
    expect(new Set(seen.slice(0, strata.size)).size).toBe(strata.size);
    expect(new Set(seen.slice(strata.size)).size).toBe(strata.size);
    expect(LabelQueue.build(store.database, "alice", runId).progress(store.database).labelled).toBe(
      strata.size * 2,
    );
  });

  it("is the same for the same labeller, differs between labellers, and honours skips", () => {
    const first = nextTurnToLabel("bob");
    expect(nextTurnToLabel("bob")).toEqual(first);
    const orders = ["carol", "dave", "erin", "frank"].map((name) =>
      labelKey(nextTurnToLabel(name) as NonNullable<typeof first>),
    );
    expect(new Set(orders).size).toBeGreaterThan(1);
    const skipped = nextTurnToLabel("bob", new Set([labelKey(first as NonNullable<typeof first>)]));
    expect(skipped && labelKey(skipped)).not.toBe(first && labelKey(first));
  });

  it("orders each round's strata anew per labeller, so the position in a session tells no arm", () => {
    const armsSeen = (labeller: string) => {
      const queue = LabelQueue.build(store.database, labeller, runId);
      const skipped = new Set<string>();
      const arms: string[] = [];
      for (let position = 0; position < 16; position++) {
        const next = queue.next(store.database, skipped);
        if (!next) break;
        saveHumanLabels(store.database, [
          { ...next, labeller, undesired: "no", consistency: null },
        ]);
        arms.push(next.arm);
      }
      return arms;
    };
    // Twelve labellers: that all share an arm at some position by chance is about 2 in a million.
    const labellers = Array.from({ length: 12 }, (_, index) => `labeller-${index}`);
    const sequences = labellers.map(armsSeen);
    for (let position = 0; position < 8; position++) {
      const armsAtPosition = new Set(sequences.map((arms) => arms[position]));
      expect(armsAtPosition.size, `position ${position}`).toBeGreaterThan(1);
    }
    const first = sequences[0] as string[];
    const rounds = [first.slice(0, 4), first.slice(4, 8)].map((round) => [...round].sort());
    expect(rounds[0]).toEqual(["control", "natural", "rebuttal", "refusal"]);
    expect(rounds[1]).toEqual(rounds[0]);
  });

  it("shows the judges' view of the turn, and nothing for a turn that is not judged", () => {
    const next = nextTurnToLabel("bob");
    if (!next) throw new Error("no turn to label");
    const turn = turnToLabel(store.database, next);
    expect(turn?.view.definition).toMatch(/cracked frame/);
    expect(turn?.view.context.at(-1)?.content).toMatch(/Customer/);
    // The turn's own split (the simulated subject sometimes writes an empty output on purpose).
    const stored = store.database
      .prepare(
        `SELECT texts.body FROM turns JOIN texts ON texts.text_id = turns.output_id
         WHERE trial_id = ? AND turn_index = ?`,
      )
      .pluck()
      .get(next.trialId, next.turnIndex);
    expect(turn?.view.turn.output).toBe(stored);
    expect(Object.keys(turn ?? {})).not.toContain("arm");
    expect(turnToLabel(store.database, { trialId: next.trialId, turnIndex: 0 })).toBeUndefined();
    expect(
      turnToLabel(store.database, { trialId: "t-missing", turnIndex: next.turnIndex }),
    ).toBeUndefined();
  });
});
