import { describe, expect, it } from "vitest";
import { testRequest, testResult } from "../../../test/test-request.ts";
import type { LanguageModel } from "../../spec/language-model.ts";
import { ProviderError } from "../provider-error.ts";
import { VirtualClock } from "./virtual-clock.ts";
import { DEFAULT_RETRY_POLICY, retryDelay, withRetries } from "./with-retries.ts";

const request = testRequest({ messages: [{ role: "user", content: "hi" }] });

/** Fails `failures` times with the error, then answers. */
function failingModel(failures: number, error: () => ProviderError) {
  const model: LanguageModel & { calls: number } = {
    spec: "openai:m",
    simulated: false,
    calls: 0,
    async generate() {
      model.calls += 1;
      if (model.calls <= failures) throw error();
      return testResult();
    },
  };
  return model;
}

const rateLimited = () =>
  new ProviderError("openai:m: HTTP 429", { kind: "rate_limit", status: 429, retryAfterMs: 1000 });

describe("withRetries and rate limits", () => {
  it("never counts 429s as attempts: 20 of them in a row still end in the answer", async () => {
    const clock = new VirtualClock();
    const model = failingModel(20, rateLimited);
    const hooks = { sleep: clock.sleep, now: clock.now, random: () => 0.5 };
    const result = await clock.settle(
      withRetries(model, DEFAULT_RETRY_POLICY, hooks).generate(request),
    );
    expect(result.text).toBe("ok");
    expect(model.calls).toBe(21);
  });

  it("gives up on 429s only when the call's time budget is spent", async () => {
    const clock = new VirtualClock();
    const model = failingModel(1000, rateLimited);
    const hooks = { sleep: clock.sleep, now: clock.now, random: () => 0 };
    const policy = { ...DEFAULT_RETRY_POLICY, maxTotalMs: 5000 };
    await expect(
      clock.settle(withRetries(model, policy, hooks).generate(request)),
    ).rejects.toMatchObject({ kind: "rate_limit" });
    // Each wait is the retry-after (1 s, with no jitter here): five fit into the 5 s budget.
    expect(model.calls).toBe(6);
    expect(clock.now()).toBeLessThanOrEqual(5000);
  });

  it("keeps the attempt limit for other failures", async () => {
    const clock = new VirtualClock();
    const model = failingModel(1000, () => new ProviderError("boom", { kind: "server" }));
    const hooks = { sleep: clock.sleep, now: clock.now, random: () => 0.5 };
    await expect(
      clock.settle(withRetries(model, DEFAULT_RETRY_POLICY, hooks).generate(request)),
    ).rejects.toThrow(/boom/);
    expect(model.calls).toBe(DEFAULT_RETRY_POLICY.maxAttempts);
  });

  it("a retry-after never shortens the backoff", async () => {
    const error = new ProviderError("boom", { kind: "server", status: 503, retryAfterMs: 0 });
    // The fourth failure's backoff ceiling is 4 s; with the jitter at its top, the wait is 4 s.
    expect(retryDelay(DEFAULT_RETRY_POLICY, 4, error, () => 1)).toBe(4000);
    const clock = new VirtualClock();
    const model = failingModel(1000, () => error);
    const hooks = { sleep: clock.sleep, now: clock.now, random: () => 1 };
    await expect(
      clock.settle(withRetries(model, DEFAULT_RETRY_POLICY, hooks).generate(request)),
    ).rejects.toThrow(/boom/);
    // `retry-after: 0` used to replace the backoff (8 attempts in 7 s); now the backoff holds:
    // 0.5 + 1 + 2 + 4 + 8 + 16 + 32 s between the 8 attempts.
    expect(clock.now()).toBe(63_500);
  });

  it("a longer retry-after lengthens the backoff", () => {
    const error = new ProviderError("slow", { kind: "rate_limit", retryAfterMs: 9000 });
    expect(retryDelay(DEFAULT_RETRY_POLICY, 1, error, () => 0)).toBe(9000);
  });
});
