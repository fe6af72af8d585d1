import { describe, expect, it } from "vitest";
import { testRequest } from "../../../test/test-request.ts";
import type { GenerateResult, LanguageModel } from "../../spec/language-model.ts";
import { CallMonitor } from "../call-monitor.ts";
import { ProviderError } from "../provider-error.ts";
import { AdaptiveConcurrency } from "./adaptive-concurrency.ts";
import { RateGovernor } from "./rate-governor.ts";
import { VirtualClock } from "./virtual-clock.ts";
import { type RoutedEndpoint, withEndpointRouter } from "./with-endpoint-router.ts";
import { DEFAULT_RETRY_POLICY, withRetries } from "./with-retries.ts";

const request = testRequest({ messages: [{ role: "user", content: "hi" }] });

type Behaviour = "answer" | "refuse" | "fail";

/** A server answering after `latencyMs` of virtual time, or failing as `behaviour()` says. */
function server(
  clock: VirtualClock,
  url: string,
  options: { latencyMs: number; behaviour?: () => Behaviour; slots?: number },
): RoutedEndpoint & { calls: number } {
  const endpoint = {
    url,
    calls: 0,
    governor: new RateGovernor({}, clock),
    concurrency: new AdaptiveConcurrency({ initial: options.slots ?? 4, max: options.slots ?? 4 }),
    model: {
      spec: "openai-compatible:m",
      simulated: false,
      async generate(): Promise<GenerateResult> {
        endpoint.calls += 1;
        const behaviour = options.behaviour?.() ?? "answer";
        if (behaviour === "refuse") {
          const cause = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
          throw new ProviderError("openai-compatible:m: connection failed", {
            kind: "connection",
            cause,
          });
        }
        await clock.sleep(options.latencyMs);
        if (behaviour === "fail")
          throw new ProviderError("openai-compatible:m: HTTP 500", { kind: "server", status: 500 });
        return {
          text: url,
          usage: { inputTokens: 1, outputTokens: 1 },
          modelId: "m",
          finishReason: "stop",
          latencyMs: options.latencyMs,
        };
      },
    } satisfies LanguageModel,
  };
  return endpoint;
}

function retried(model: LanguageModel, clock: VirtualClock): LanguageModel {
  return withRetries(model, DEFAULT_RETRY_POLICY, {
    sleep: clock.sleep,
    now: clock.now,
    random: () => 0.5,
  });
}

async function inSequence(model: LanguageModel, clock: VirtualClock, count: number) {
  const results: GenerateResult[] = [];
  for (let index = 0; index < count; index++)
    results.push(await clock.settle(model.generate(request)));
  return results;
}

describe("withEndpointRouter", () => {
  it("prefers the faster endpoint and records which endpoint served each call", async () => {
    const clock = new VirtualClock();
    const slow = server(clock, "http://slow/v1", { latencyMs: 200 });
    const fast = server(clock, "http://fast/v1", { latencyMs: 20 });
    const router = withEndpointRouter("openai-compatible:m", [slow, fast], { clock });
    const results = await inSequence(router, clock, 20);
    expect(fast.calls).toBeGreaterThanOrEqual(18);
    for (const result of results) expect(result.metadata?.endpoint).toBe(result.text);
  });

  it("sends more calls to the endpoint with more free capacity", async () => {
    const clock = new VirtualClock();
    const narrow = server(clock, "http://narrow/v1", { latencyMs: 100, slots: 1 });
    const wide = server(clock, "http://wide/v1", { latencyMs: 100, slots: 8 });
    const router = withEndpointRouter("openai-compatible:m", [narrow, wide], { clock });
    await inSequence(router, clock, 2); // measures both
    const calls = Array.from({ length: 9 }, () => router.generate(request));
    await clock.settle(Promise.all(calls));
    expect(wide.calls - 1).toBeGreaterThanOrEqual(7);
  });

  it("takes a dead endpoint out, keeps serving from the others, and probes it again later", async () => {
    const clock = new VirtualClock();
    let deadBehaviour: Behaviour = "refuse";
    const dead = server(clock, "http://dead/v1", { latencyMs: 1, behaviour: () => deadBehaviour });
    const alive = server(clock, "http://alive/v1", { latencyMs: 50 });
    const router = withEndpointRouter("openai-compatible:m", [dead, alive], {
      clock,
      outMs: 5000,
    });
    const results = await inSequence(retried(router, clock), clock, 10);
    expect(results.every((result) => result.metadata?.endpoint === "http://alive/v1")).toBe(true);
    expect(dead.calls).toBe(3);
    // Later, the endpoint is back: the next call after its time out is a probe, and it serves.
    clock.time += 60_000;
    deadBehaviour = "answer";
    const [probe] = await inSequence(router, clock, 1);
    expect(probe?.metadata?.endpoint).toBe("http://dead/v1");
  });

  it("takes one of several endpoints out after a streak of server errors", async () => {
    const clock = new VirtualClock();
    const failing = server(clock, "http://failing/v1", { latencyMs: 1, behaviour: () => "fail" });
    const healthy = server(clock, "http://healthy/v1", { latencyMs: 100 });
    const router = withEndpointRouter("openai-compatible:m", [failing, healthy], {
      clock,
      failureStreakLimit: 3,
    });
    await inSequence(retried(router, clock), clock, 10);
    expect(failing.calls).toBe(3);
  });

  it("fails fast with `unreachable`, naming the spec, URL and cause, when the only endpoint refuses", async () => {
    const clock = new VirtualClock();
    const dead = server(clock, "http://127.0.0.1:59999/v1", {
      latencyMs: 1,
      behaviour: () => "refuse",
    });
    const monitor = new CallMonitor(30_000, clock.now);
    const router = withEndpointRouter("openai-compatible:m", [dead], { clock, monitor });
    const failure = clock.settle(retried(router, clock).generate(request));
    await expect(failure).rejects.toMatchObject({
      kind: "unreachable",
      retryable: false,
      message:
        "openai-compatible:m: cannot reach http://127.0.0.1:59999/v1 (ECONNREFUSED) after 3 attempts",
    });
    expect(clock.now()).toBeLessThan(10_000);
    // Every later call fails at once, without sending anything.
    await expect(clock.settle(router.generate(request))).rejects.toMatchObject({
      kind: "unreachable",
    });
    expect(dead.calls).toBe(3);
    const [figures] = monitor.snapshot();
    expect(figures).toMatchObject({ requestsSent: 3, failures: { connection: 3 } });
  });

  it("calls a model unreachable only when every one of its endpoints is", async () => {
    const clock = new VirtualClock();
    const first = server(clock, "http://a/v1", { latencyMs: 1, behaviour: () => "refuse" });
    const second = server(clock, "http://b/v1", { latencyMs: 1, behaviour: () => "refuse" });
    const router = withEndpointRouter("openai-compatible:m", [first, second], { clock });
    await expect(clock.settle(retried(router, clock).generate(request))).rejects.toMatchObject({
      kind: "unreachable",
      message: expect.stringMatching(/http:\/\/a\/v1 \(ECONNREFUSED\), http:\/\/b\/v1/),
    });
    // Each got its three attempts (the first may also have had a probe once its time out ended).
    expect(first.calls).toBeGreaterThanOrEqual(3);
    expect(second.calls).toBe(3);
  });
});

describe("CallMonitor", () => {
  it("counts per endpoint and gives the pace over its window", () => {
    let now = 0;
    const monitor = new CallMonitor(30_000, () => now);
    for (let second = 0; second < 10; second++) {
      now = second * 1000;
      monitor.recordSent("openai:m", "http://a/v1");
      monitor.recordSuccess("openai:m", "http://a/v1", { inputTokens: 7, outputTokens: 3 });
    }
    monitor.recordSent("openai:m", "http://a/v1");
    monitor.recordFailure("openai:m", "http://a/v1", "rate_limit");
    monitor.recordRetry("openai:m", "http://a/v1");
    now = 10_000;
    const [figures] = monitor.snapshot();
    expect(figures).toMatchObject({
      spec: "openai:m",
      endpoint: "http://a/v1",
      requestsSent: 11,
      successes: 10,
      rateLimited: 1,
      retries: 1,
      failures: { rate_limit: 1 },
      inputTokens: 70,
      outputTokens: 30,
      inFlight: 0,
      requestsPerSecond: 1.1,
      tokensPerSecond: 10,
    });
  });
});
