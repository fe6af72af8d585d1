import { describe, expect, it } from "vitest";
import { testRequest, testResult } from "../../../test/test-request.ts";
import type { GenerateResult, LanguageModel } from "../../spec/language-model.ts";
import { ProviderError } from "../provider-error.ts";
import { RateGovernor } from "./rate-governor.ts";
import { readRateLimitHeaders } from "./rate-limit-headers.ts";
import { VirtualClock } from "./virtual-clock.ts";
import { estimateTokens, withRateGovernor } from "./with-rate-governor.ts";
import { DEFAULT_RETRY_POLICY, withRetries } from "./with-retries.ts";

const request = testRequest({ messages: [{ role: "user", content: "hello there" }] });

function reply(extra: Partial<GenerateResult> = {}): GenerateResult {
  return testResult({ usage: { inputTokens: 3, outputTokens: 1 }, ...extra });
}

/** A model that records when each call arrives and answers as `answer` says. */
function recordingModel(clock: VirtualClock, answer: (call: number) => GenerateResult) {
  const sentAt: number[] = [];
  const model: LanguageModel = {
    spec: "openai:m",
    simulated: false,
    async generate() {
      sentAt.push(clock.now());
      return answer(sentAt.length);
    },
  };
  return { model, sentAt };
}

function gaps(times: number[]): number[] {
  return times.slice(1).map((time, index) => time - (times[index] as number));
}

/** When each of `count` callers, all asking at once for one request, was let through. */
async function admissionTimes(
  clock: VirtualClock,
  governor: RateGovernor,
  count: number,
): Promise<number[]> {
  const admittedAt: number[] = [];
  const callers = Array.from({ length: count }, () =>
    governor.admit(1).then(() => admittedAt.push(clock.now())),
  );
  await clock.settle(Promise.all(callers));
  return admittedAt;
}

describe("RateGovernor", () => {
  it("admits a configured burst at once, then callers at the bucket's rate", async () => {
    const clock = new VirtualClock();
    const governor = new RateGovernor({ requestsPerMinute: 240 }, clock);
    const admittedAt = await admissionTimes(clock, governor, 8);
    // 240 a minute is 4 a second: a burst of one second's worth, then one every 250 ms.
    expect(admittedAt).toEqual([0, 0, 0, 0, 250, 500, 750, 1000]);
  });

  it("after a 429, no caller is admitted before the advertised time; then at the bucket's rate", async () => {
    const clock = new VirtualClock();
    const governor = new RateGovernor({ requestsPerMinute: 240 }, clock);
    governor.observe({ "retry-after": "2" }, true);
    const admittedAt = await admissionTimes(clock, governor, 5);
    expect(Math.min(...admittedAt)).toBeGreaterThanOrEqual(2000);
    expect(gaps(admittedAt).every((gap) => gap === 250)).toBe(true);
  });

  it("one shared cool-down: the caller that got the 429 and those queued behind it all wait it out", async () => {
    const clock = new VirtualClock();
    const governor = new RateGovernor({ requestsPerMinute: 60 }, clock);
    const { model, sentAt } = recordingModel(clock, (call) => {
      if (call === 1)
        throw new ProviderError("openai:m: HTTP 429", {
          kind: "rate_limit",
          status: 429,
          retryAfterMs: 3000,
          rateLimitHeaders: { "retry-after": "3" },
        });
      return reply();
    });
    const stack = withRetries(withRateGovernor(model, governor), DEFAULT_RETRY_POLICY, {
      sleep: clock.sleep,
      now: clock.now,
      random: () => 0.5,
    });
    const calls = Array.from({ length: 5 }, () => stack.generate(request));
    const results = await clock.settle(Promise.all(calls));
    expect(results).toHaveLength(5);
    // The first send got the 429 at 0; every other send waits for 3 s, then one a second.
    expect(sentAt[0]).toBe(0);
    const after = sentAt.slice(1);
    expect(Math.min(...after)).toBeGreaterThanOrEqual(3000);
    expect(gaps(after).every((gap) => gap >= 1000)).toBe(true);
  });

  it("learns OpenAI's request limit and burst from a success's headers", async () => {
    const clock = new VirtualClock();
    const governor = new RateGovernor({}, clock);
    expect(governor.requestsPerMinute).toBeUndefined();
    governor.observe(
      {
        "x-ratelimit-limit-requests": "240",
        "x-ratelimit-remaining-requests": "0",
        "x-ratelimit-reset-requests": "1s",
      },
      false,
    );
    expect(governor.requestsPerMinute).toBe(240);
    const admittedAt = await admissionTimes(clock, governor, 3);
    expect(admittedAt).toEqual([250, 500, 750]);
  });

  it("takes the calls sent before any limit was known from the first learned bucket", async () => {
    const clock = new VirtualClock();
    const governor = new RateGovernor({}, clock);
    await clock.settle(Promise.all([governor.admit(1), governor.admit(1), governor.admit(1)]));
    // The first reply says 3 remain, but the two other calls may not have reached the server yet.
    governor.settle(1, 1);
    governor.observe(
      {
        "x-ratelimit-limit-requests": "240",
        "x-ratelimit-remaining-requests": "3",
        "x-ratelimit-reset-requests": "250ms",
      },
      false,
    );
    const admittedAt = await admissionTimes(clock, governor, 2);
    expect(admittedAt).toEqual([0, 250]);
  });

  it("takes nothing for calls in flight when the first limit it learns comes with a 429", async () => {
    const clock = new VirtualClock();
    const governor = new RateGovernor({}, clock);
    // Sixteen calls sent at once into a 4-a-second limit: the server turns the first refusal away.
    await clock.settle(Promise.all(Array.from({ length: 16 }, () => governor.admit(1))));
    governor.settle(1, 0);
    governor.observe(
      {
        "x-ratelimit-limit-requests": "240",
        "x-ratelimit-remaining-requests": "0",
        "x-ratelimit-reset-requests": "1s",
        "retry-after-ms": "250",
      },
      true,
    );
    const admittedAt = await admissionTimes(clock, governor, 2);
    // The refused calls used nothing: the bucket refills from empty after the 250 ms cool-down, a
    // call each quarter second, instead of first paying 15 quarter seconds for those in flight.
    expect(admittedAt).toEqual([500, 750]);
  });

  it("learns Anthropic's request and token limits (RFC 3339 resets)", async () => {
    const clock = new VirtualClock();
    clock.time = Date.parse("2026-01-01T00:00:00Z");
    const governor = new RateGovernor({}, clock);
    governor.observe(
      {
        "anthropic-ratelimit-requests-limit": "50",
        "anthropic-ratelimit-requests-remaining": "10",
        "anthropic-ratelimit-requests-reset": "2026-01-01T00:00:30Z",
        "anthropic-ratelimit-input-tokens-limit": "6000",
        "anthropic-ratelimit-input-tokens-remaining": "0",
        "anthropic-ratelimit-input-tokens-reset": "2026-01-01T00:00:01Z",
      },
      false,
    );
    expect(governor.requestsPerMinute).toBe(50);
    // No tokens left, full again in 1 s at 100 a second: a burst of 100. A 50-token call waits
    // 0.5 s; one larger than the burst waits for a full bucket.
    const started = clock.now();
    await clock.settle(governor.admit(50));
    expect(clock.now() - started).toBe(500);
    await clock.settle(governor.admit(200));
    expect(clock.now() - started).toBe(1500);
  });

  it("settles the token estimate with the real usage", async () => {
    const clock = new VirtualClock();
    const governor = new RateGovernor({ tokensPerMinute: 6000 }, clock);
    await clock.settle(governor.admit(100));
    // 100 tokens were taken from a bucket of 100; the call used 10, so 90 come back.
    governor.settle(100, 10);
    const started = clock.now();
    await clock.settle(governor.admit(90));
    expect(clock.now() - started).toBe(0);
  });

  it("a 429's retry-after of zero still cools the endpoint down a little", async () => {
    const clock = new VirtualClock();
    const governor = new RateGovernor({}, clock);
    governor.observe({ "retry-after": "0" }, true);
    await clock.settle(governor.admit(1));
    expect(clock.now()).toBeGreaterThan(0);
  });
});

describe("withRateGovernor", () => {
  it("teaches the governor from a success's headers and removes them from the result", async () => {
    const clock = new VirtualClock();
    const governor = new RateGovernor({}, clock);
    const { model } = recordingModel(clock, () =>
      reply({ rateLimitHeaders: { "x-ratelimit-limit-requests": "600" } }),
    );
    const result = await clock.settle(withRateGovernor(model, governor).generate(request));
    expect(result).not.toHaveProperty("rateLimitHeaders");
    expect(governor.requestsPerMinute).toBe(600);
  });

  it("estimates a call's tokens conservatively: a third of its characters plus max tokens", () => {
    expect(estimateTokens(request)).toBe(Math.ceil("hello there".length / 3) + 10);
  });
});

describe("readRateLimitHeaders", () => {
  it("reads OpenAI's duration resets and retry-after-ms before retry-after", () => {
    const observation = readRateLimitHeaders(
      {
        "x-ratelimit-limit-tokens": "90000",
        "x-ratelimit-remaining-tokens": "89000",
        "x-ratelimit-reset-tokens": "6m0s",
        "retry-after": "7",
        "retry-after-ms": "1500",
      },
      0,
    );
    expect(observation.tokens).toEqual({ limit: 90000, remaining: 89000, resetMs: 360_000 });
    expect(observation.requests).toBeUndefined();
    expect(observation.retryAfterMs).toBe(1500);
  });
});
