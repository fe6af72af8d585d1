import { describe, expect, it } from "vitest";
import { runFixture } from "../../test/run-fixture.ts";
import { findTrials, type TrialFilter, trialsAt } from "./find-trials.ts";
import { RunStore } from "./run-store.ts";
import { positionAfter, trialOrder } from "./trial-order.ts";
import { TRIAL_SORT_KEYS, type TrialSort } from "./trial-sort.ts";

const FILTERS: TrialFilter[] = [{}, { arm: "refusal" }, { followup: 1, outcome: "not_undesired" }];

/** Every ordinal findTrials lists, walking its pages of three by keyset. */
function pagedOrdinals(store: RunStore, filter: TrialFilter, sort?: TrialSort): number[] {
  const ordinals: number[] = [];
  let after = -1;
  for (;;) {
    const page = findTrials(store.database, "run", filter, { after, limit: 3, sort });
    ordinals.push(...page.trials.map((trial) => trial.ordinal));
    const last = page.trials.at(-1);
    if (page.trials.length < 3 || !last) return ordinals;
    after = last.ordinal;
  }
}

describe("a trial list's order, found once and paged through", () => {
  it("lists what findTrials pages through, for every sort both ways and in plan order", async () => {
    const { directory } = await runFixture(undefined, { samples: 2 });
    const store = RunStore.openForReading(directory);
    try {
      const sorts: Array<TrialSort | undefined> = [
        undefined,
        ...TRIAL_SORT_KEYS.flatMap((key) => [{ key }, { key, descending: true }]),
      ];
      for (const filter of FILTERS) {
        for (const sort of sorts) {
          const order = trialOrder(store.database, "run", filter, sort);
          expect([...order]).toEqual(pagedOrdinals(store, filter, sort));
          expect(order.length).toBe(findTrials(store.database, "run", filter, { limit: 0 }).total);
          expect(positionAfter(order, -1, sort)).toBe(0);
          for (const [index, ordinal] of order.entries())
            expect(positionAfter(order, ordinal, sort)).toBe(index + 1);
          const firstPage = findTrials(store.database, "run", filter, { limit: 3, sort });
          expect(trialsAt(store.database, "run", filter, order.subarray(0, 3))).toEqual(
            firstPage.trials,
          );
        }
      }
    } finally {
      store.close();
    }
  });

  it("says where a page after a trial the filter leaves out starts only in plan order", async () => {
    const { directory } = await runFixture(undefined, { samples: 2 });
    const store = RunStore.openForReading(directory);
    try {
      const filter: TrialFilter = { arm: "refusal" };
      const everyOrdinal = [...trialOrder(store.database, "run", {})];
      const order = trialOrder(store.database, "run", filter);
      const left = everyOrdinal.filter((ordinal) => !order.includes(ordinal));
      expect(left.length).toBeGreaterThan(0);
      for (const after of left) {
        const start = positionAfter(order, after) as number;
        const page = findTrials(store.database, "run", filter, { after, limit: 3 });
        expect([...order.subarray(start, start + 3)]).toEqual(
          page.trials.map((trial) => trial.ordinal),
        );
      }
      const sort: TrialSort = { key: "undesired", descending: true };
      const sorted = trialOrder(store.database, "run", filter, sort);
      expect(positionAfter(sorted, left[0] as number, sort)).toBeUndefined();
    } finally {
      store.close();
    }
  });
});
