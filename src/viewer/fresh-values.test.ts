import { describe, expect, it } from "vitest";
import { FreshValues } from "./fresh-values.ts";

/** A computation the test finishes when it wants, recording the stamp it started at. */
function controlledComputations() {
  const started: Array<{ stamp: string; finish: () => void }> = [];
  let stamp = "v1";
  return {
    started,
    setStamp: (next: string) => {
      stamp = next;
    },
    stampNow: () => stamp,
    compute: () => {
      const startedAt = stamp;
      return new Promise<string>((resolve) =>
        started.push({ stamp: startedAt, finish: () => resolve(`value at ${startedAt}`) }),
      );
    },
  };
}

describe("values computed per run version", () => {
  it("shares a computation among requests at one stamp, and keeps it while the stamp holds", async () => {
    const values = new FreshValues(4);
    const run = controlledComputations();
    const answers = [1, 2, 3].map(() => values.get("k", run.stampNow, run.compute));
    expect(run.started).toHaveLength(1);
    run.started[0]?.finish();
    expect(await Promise.all(answers)).toEqual(Array(3).fill("value at v1"));
    expect(await values.get("k", run.stampNow, run.compute)).toBe("value at v1");
    expect(run.started).toHaveLength(1);
  });

  it("gives requests that saw a newer stamp one follow-up, started after the running one", async () => {
    const values = new FreshValues(4);
    const run = controlledComputations();
    const first = values.get("k", run.stampNow, run.compute);
    run.setStamp("v2");
    const during = [1, 2, 3, 4].map(() => values.get("k", run.stampNow, run.compute));
    run.setStamp("v3");
    during.push(values.get("k", run.stampNow, run.compute));
    expect(run.started).toHaveLength(1);
    run.started[0]?.finish();
    expect(await first).toBe("value at v1");
    await new Promise((resolve) => setImmediate(resolve));
    expect(run.started.map((computation) => computation.stamp)).toEqual(["v1", "v3"]);
    run.started[1]?.finish();
    expect(await Promise.all(during)).toEqual(Array(5).fill("value at v3"));
  });

  it("answers a recent value at once while a fresh one is computed, and forgets failures", async () => {
    const values = new FreshValues(4);
    const run = controlledComputations();
    const first = values.get("k", run.stampNow, run.compute);
    run.started[0]?.finish();
    await first;
    run.setStamp("v2");
    expect(await values.recent("k", run.stampNow, run.compute)).toBe("value at v1");
    expect(run.started).toHaveLength(2);
    run.started[1]?.finish();
    await values.get("k", run.stampNow, run.compute);
    expect(await values.recent("k", run.stampNow, run.compute)).toBe("value at v2");
    run.setStamp("v3");
    await expect(
      values.get("k", run.stampNow, () => Promise.reject(new Error("no"))),
    ).rejects.toThrow("no");
    const retried = values.get("k", run.stampNow, run.compute);
    expect(run.started).toHaveLength(3);
    run.started[2]?.finish();
    expect(await retried).toBe("value at v3");
  });

  it("keeps only the most recently used keys", () => {
    const values = new FreshValues(2);
    const run = controlledComputations();
    for (const key of ["a", "b", "c", "a"]) values.get(key, run.stampNow, run.compute);
    expect(values.size).toBe(2);
  });
});
