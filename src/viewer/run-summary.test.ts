import { describe, expect, it } from "vitest";
import { runFixture } from "../../test/run-fixture.ts";
import { RunStore } from "../store/run-store.ts";
import { writeVerdictSet } from "../store/write-verdict-set.ts";
import { summarizeRun } from "./run-summary.ts";

describe("summarizeRun", () => {
  it("marks a verdict set that covers only some of the run's judged trials as partial", async () => {
    const run = await runFixture(undefined, { samples: 1 });
    const store = RunStore.open(run.directory);
    try {
      const [first] = [...store.trials()];
      if (!first) throw new Error("no trial");
      const turns = first.turns
        .filter((turn) => turn.judged && turn.outcome)
        .map((turn) => ({
          turnIndex: turn.index,
          followup: turn.followup,
          verdicts: turn.verdicts,
          outcome: turn.outcome as NonNullable<typeof turn.outcome>,
        }));
      writeVerdictSet(store.database, first.trialId, "cut-short", turns);
      const sets = summarizeRun(store).verdictSets;
      const total = run.counts.complete;
      expect(sets.find((set) => set.name === "cut-short")?.coverage).toEqual({
        trials: 1,
        of: total,
        complete: false,
      });
      expect(sets.find((set) => set.name === "run")?.coverage.complete).toBe(true);
    } finally {
      store.close();
    }
  });
});
