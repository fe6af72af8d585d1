import { describe, expect, it } from "vitest";
import type { TrialResult } from "../spec/trial-record.ts";
import { TrialWriteBehind } from "./trial-write-behind.ts";

const trial = (trialId: string) => ({ trialId }) as TrialResult;

describe("TrialWriteBehind", () => {
  it("writes the trials handed over in one turn of the event loop as one batch, later", async () => {
    const batches: string[][] = [];
    const writer = new TrialWriteBehind((results) =>
      batches.push(results.map((result) => result.trialId)),
    );
    const written = ["a", "b", "c"].map((id) => writer.write(trial(id)));
    expect(batches).toEqual([]);
    await Promise.all(written);
    const later = writer.write(trial("d"));
    await later;
    expect(batches).toEqual([["a", "b", "c"], ["d"]]);
  });

  it("rejects every trial of a batch the store refused, and settles after it", async () => {
    const writer = new TrialWriteBehind(() => {
      throw new Error("database or disk is full");
    });
    const first = writer.write(trial("a"));
    const second = writer.write(trial("b"));
    await expect(first).rejects.toThrow("disk is full");
    await expect(second).rejects.toThrow("disk is full");
    await expect(writer.settled()).resolves.toBeUndefined();
  });

  it("settles only once the batches handed over are written", async () => {
    const stored: string[] = [];
    const writer = new TrialWriteBehind((results) =>
      stored.push(...results.map((result) => result.trialId)),
    );
    void writer.write(trial("a"));
    void writer.write(trial("b"));
    await writer.settled();
    expect(stored).toEqual(["a", "b"]);
  });
});
