import { describe, expect, it } from "vitest";
import { batchedTokens, judgeBatchedTokens, servedCost, turnCost } from "./price-table.ts";

const price = { inputPerMillion: 10, outputPerMillion: 20 };

describe("servedCost", () => {
  it("charges the tokens a batch API served at half the price, the rest in full", () => {
    const billed = { inputTokens: 1_000_000, outputTokens: 500_000 };
    expect(servedCost(price, billed)).toBeCloseTo(20, 12);
    const batched = { inputTokens: 400_000, outputTokens: 500_000 };
    // 600k input in full (6) + 400k input at half (2) + 500k output at half (5).
    expect(servedCost(price, billed, batched)).toBeCloseTo(13, 12);
  });
});

describe("batchedTokens", () => {
  const billed = { inputTokens: 300, outputTokens: 40 };

  it("takes what was counted, whatever the experiment says", () => {
    const counted = { inputTokens: 100, outputTokens: 0 };
    expect(batchedTokens(billed, counted, { batch: true })).toEqual(counted);
    expect(batchedTokens(billed, counted)).toEqual(counted);
  });

  it("goes by the experiment's batch setting where nothing was counted (older runs)", () => {
    expect(batchedTokens(billed, {}, { batch: true })).toEqual(billed);
    expect(batchedTokens(billed, { inputTokens: null, outputTokens: null })).toEqual({
      inputTokens: 0,
      outputTokens: 0,
    });
  });

  it("reads a judge's usage the same way", () => {
    const usage = {
      inputTokens: 300,
      outputTokens: 40,
      calls: 2,
      cachedCalls: 0,
      billedInputTokens: 300,
      billedOutputTokens: 40,
    };
    expect(judgeBatchedTokens(usage, { batch: true })).toEqual(billed);
    expect(
      judgeBatchedTokens({ ...usage, batchedInputTokens: 150, batchedOutputTokens: 20 }),
    ).toEqual({ inputTokens: 150, outputTokens: 20 });
  });
});

describe("turnCost", () => {
  const usage = { inputTokens: 1_000_000, outputTokens: 0 };

  it("is nothing from the cache, half from a batch, in full otherwise, unknown without a price", () => {
    expect(turnCost(price, { usage, metadata: { cached: true } })).toBe(0);
    expect(turnCost(price, { usage, metadata: { batch: true, batch_id: "b" } })).toBeCloseTo(5, 12);
    expect(turnCost(price, { usage })).toBeCloseTo(10, 12);
    expect(turnCost(undefined, { usage })).toBeNull();
  });
});
