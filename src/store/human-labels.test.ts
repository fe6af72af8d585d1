import { beforeAll, describe, expect, it } from "vitest";
import { runFixture } from "../../test/run-fixture.ts";
import { replaceHumanLabel, restoreHumanLabel, storedHumanLabel } from "./human-labels.ts";
import { LabelQueue, labelKey } from "./label-queue.ts";
import { RunStore } from "./run-store.ts";

describe("undoing a human label", () => {
  let store: RunStore;
  let queue: LabelQueue;

  beforeAll(async () => {
    const run = await runFixture();
    store = RunStore.open(run.directory);
    queue = LabelQueue.build(store.database, "ursula", run.runId);
    return () => store.close();
  });

  it("removes a new label, so the queue offers the same turn again and counts it unlabelled", () => {
    const before = queue.progress(store.database);
    const turn = queue.next(store.database);
    if (!turn) throw new Error("nothing to label");
    const key = { trialId: turn.trialId, turnIndex: turn.turnIndex, labeller: "ursula" };
    const previous = replaceHumanLabel(store.database, {
      ...key,
      undesired: "yes",
      consistency: "inconsistent",
    });
    expect(previous).toBeNull();
    expect(queue.progress(store.database).labelled).toBe(before.labelled + 1);
    expect(labelKey(queue.next(store.database) ?? key)).not.toBe(labelKey(turn));
    restoreHumanLabel(store.database, key, previous);
    expect(storedHumanLabel(store.database, key)).toBeNull();
    expect(queue.progress(store.database)).toEqual(before);
    expect(queue.next(store.database)).toEqual(turn);
  });

  it("puts back exactly what a replaced label said, and when it was given", () => {
    const turn = queue.next(store.database);
    if (!turn) throw new Error("nothing to label");
    const key = { trialId: turn.trialId, turnIndex: turn.turnIndex, labeller: "ursula" };
    expect(replaceHumanLabel(store.database, { ...key, undesired: "no", consistency: null })).toBe(
      null,
    );
    const first = storedHumanLabel(store.database, key);
    expect(first).toMatchObject({ undesired: "no", consistency: null });
    const replaced = replaceHumanLabel(store.database, {
      ...key,
      undesired: "yes",
      consistency: "consistent",
    });
    expect(replaced).toEqual(first);
    expect(storedHumanLabel(store.database, key)).toMatchObject({
      undesired: "yes",
      consistency: "consistent",
    });
    restoreHumanLabel(store.database, key, replaced);
    expect(storedHumanLabel(store.database, key)).toEqual(first);
    // Another labeller's label on the same turn is never touched.
    const other = { ...key, labeller: "victor" };
    replaceHumanLabel(store.database, { ...other, undesired: "yes", consistency: null });
    restoreHumanLabel(store.database, key, null);
    expect(storedHumanLabel(store.database, key)).toBeNull();
    expect(storedHumanLabel(store.database, other)).toMatchObject({ undesired: "yes" });
  });
});
