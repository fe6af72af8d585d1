import { describe, expect, it } from "vitest";
import { temporaryDirectory } from "../../../test/run-fixture.ts";
import type { GenerateRequest, GenerateResult, LanguageModel } from "../../spec/language-model.ts";
import { priceOf } from "../price-table.ts";
import { ProviderError } from "../provider-error.ts";
import { BudgetExceededError, SpendBudget } from "../spend-budget.ts";
import { MESSAGE_OVERHEAD_TOKENS, promptTokenBound, withBudget } from "./with-budget.ts";
import { withResponseCache } from "./with-response-cache.ts";

/** $1 per token in and out: a call's cost in dollars is its token count. */
const DOLLAR_PER_TOKEN = { inputPerMillion: 1_000_000, outputPerMillion: 1_000_000 };

function request(content: string, maxTokens = 10, sampleIndex = 0): GenerateRequest {
  return {
    messages: [{ role: "user", content }],
    temperature: 1,
    topP: 1,
    maxTokens,
    seed: 1,
    sampleIndex,
  };
}

/** A model whose calls finish only when the test says so, reporting the usage it is told. */
function heldModel(usage: GenerateResult["usage"]) {
  const pending: Array<(result: GenerateResult) => void> = [];
  const failures: Array<(error: Error) => void> = [];
  const model: LanguageModel = {
    spec: "stub:m",
    simulated: false,
    generate: () =>
      new Promise<GenerateResult>((resolve, reject) => {
        pending.push(resolve);
        failures.push(reject);
      }),
  };
  const reply = { text: "ok", usage, modelId: "m", finishReason: "stop", latencyMs: 1 };
  return {
    model,
    started: () => pending.length,
    finishNext: () => pending.shift()?.(reply),
    failNext: (error: Error) => {
      pending.shift();
      failures.shift()?.(error);
    },
  };
}

/** Lets promise callbacks run (reservations resolve, settlements happen). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("the prompt bound", () => {
  it("counts UTF-8 bytes, not characters, plus a per-message overhead", () => {
    // "é" is two bytes, "😀" four: a byte-level tokenizer makes at most one token per byte.
    expect(promptTokenBound(request("é😀a"))).toBe(7 + 2 * MESSAGE_OVERHEAD_TOKENS);
  });
});

describe("withBudget", () => {
  it("never starts a call that could pass the limit, and settles at the actual usage", async () => {
    const budget = new SpendBudget(100);
    const held = heldModel({ inputTokens: 5, outputTokens: 5 });
    const model = withBudget(held.model, budget, { price: DOLLAR_PER_TOKEN });
    const worstCase = promptTokenBound(request("x")) + 10;
    const calls = Array.from({ length: 12 }, (_, index) =>
      model.generate(request("x", 10, index)).then(
        () => "done",
        (error: unknown) => error,
      ),
    );
    await settle();
    // Only as many calls start as their worst cases fit under the limit; the rest wait.
    const fitting = Math.floor(100 / worstCase);
    expect(held.started()).toBe(fitting);
    expect(budget.reservedUsd).toBe(fitting * worstCase);
    held.finishNext();
    await settle();
    expect(budget.spentUsd).toBe(10);
    expect(held.started()).toBe(fitting);
    while (held.started() > 0) {
      held.finishNext();
      await settle();
    }
    const outcomes = await Promise.all(calls);
    expect(budget.spentUsd).toBeLessThanOrEqual(100);
    expect(budget.spentUsd + worstCase).toBeGreaterThan(100);
    const refused = outcomes.filter((outcome) => outcome instanceof BudgetExceededError);
    expect(refused.length).toBeGreaterThan(0);
    expect(outcomes.filter((outcome) => outcome === "done")).toHaveLength(
      outcomes.length - refused.length,
    );
    expect(budget.refusal?.message).toMatch(
      /^the cost limit of \$100 was reached \(\$\d+\.\d{4} spent/,
    );
    expect(budget.reservedUsd).toBe(0);
  });

  it("gives back a failed call's reservation without charging it", async () => {
    const budget = new SpendBudget(1000);
    const held = heldModel({ inputTokens: 5, outputTokens: 5 });
    const model = withBudget(held.model, budget, { price: DOLLAR_PER_TOKEN });
    const call = model.generate(request("x")).catch((error: unknown) => error);
    await settle();
    held.failNext(new ProviderError("stub:m: HTTP 500 server", { kind: "server" }));
    expect(await call).toBeInstanceOf(ProviderError);
    expect(budget.reservedUsd).toBe(0);
    expect(budget.spentUsd).toBe(0);
  });

  it("charges nothing for a cache hit and counts a model without a price as unknown", async () => {
    const budget = new SpendBudget();
    const held = heldModel({ inputTokens: 3, outputTokens: 4 });
    const cached = withResponseCache(withBudget(held.model, budget, { price: undefined }), {
      directory: temporaryDirectory(),
      endpoint: "stub",
    });
    const first = cached.generate(request("x"));
    await settle();
    held.finishNext();
    await first;
    await cached.generate(request("x"));
    expect(held.started()).toBe(0);
    expect(budget.tokens).toBe(7);
    expect(budget.spentUsd).toBe(0);
    expect(budget.unpricedModels).toEqual(["stub:m"]);
  });
});

describe("a reply shared with another call", () => {
  it("is not charged again (a batch twin)", async () => {
    const budget = new SpendBudget(1000);
    const shared: LanguageModel = {
      spec: "stub:m",
      simulated: false,
      generate: async () => ({
        text: "the twin's reply",
        usage: { inputTokens: 5, outputTokens: 5 },
        modelId: "m",
        finishReason: "stop",
        latencyMs: 1,
        metadata: { batch: true, cached: true },
      }),
    };
    await withBudget(shared, budget, { price: DOLLAR_PER_TOKEN }).generate(request("x"));
    expect(budget.spentUsd).toBe(0);
    expect(budget.tokens).toBe(0);
    expect(budget.reservedUsd).toBe(0);
  });
});

describe("batch prices", () => {
  it("are half the standard price", () => {
    const price = { input_per_million: 3, output_per_million: 15 };
    expect(priceOf("openai:m", { price, batch: true })).toEqual({
      inputPerMillion: 1.5,
      outputPerMillion: 7.5,
    });
    expect(priceOf("openai:m", { price })).toEqual({ inputPerMillion: 3, outputPerMillion: 15 });
  });
});
