import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { temporaryDirectory } from "../../../test/run-fixture.ts";
import { testRequest } from "../../../test/test-request.ts";
import type { GenerateResult, LanguageModel } from "../../spec/language-model.ts";
import { ProviderError } from "../provider-error.ts";
import { AdaptiveConcurrency } from "./adaptive-concurrency.ts";
import { withConcurrencyLimit } from "./with-concurrency-limit.ts";
import { withResponseCache } from "./with-response-cache.ts";
import { DEFAULT_RETRY_POLICY, withRetries } from "./with-retries.ts";

const request = testRequest({ messages: [{ role: "user", content: "hi" }] });

function result(text: string): GenerateResult {
  return {
    text,
    usage: { inputTokens: 1, outputTokens: 1 },
    modelId: "m",
    finishReason: "stop",
    latencyMs: 1,
  };
}

/** A model that plays a script of failures and replies, one per call. */
function scripted(script: Array<ProviderError | string>): LanguageModel & { calls: number } {
  const model = {
    spec: "stub:m",
    simulated: false,
    calls: 0,
    async generate() {
      const next = script[Math.min(model.calls, script.length - 1)];
      model.calls += 1;
      if (next instanceof ProviderError) throw next;
      return result(next ?? "");
    },
  };
  return model;
}

describe("withRetries", () => {
  const waits: number[] = [];
  const hooks = {
    sleep: async (milliseconds: number) => void waits.push(milliseconds),
    random: () => 0.5,
  };

  it("waits what retry-after asks, then succeeds", async () => {
    waits.length = 0;
    const model = scripted([
      new ProviderError("slow down", { kind: "rate_limit", status: 429, retryAfterMs: 3000 }),
      "ok",
    ]);
    expect((await withRetries(model, DEFAULT_RETRY_POLICY, hooks).generate(request)).text).toBe(
      "ok",
    );
    expect(model.calls).toBe(2);
    expect(waits).toEqual([3125]);
  });

  it("backs off exponentially on server errors", async () => {
    waits.length = 0;
    const failure = new ProviderError("boom", { kind: "server", status: 500 });
    const model = scripted([failure, failure, failure, "ok"]);
    await withRetries(model, DEFAULT_RETRY_POLICY, hooks).generate(request);
    expect(waits).toEqual([250, 500, 1000]);
  });

  it("fails fast on what retrying cannot fix", async () => {
    const model = scripted([
      new ProviderError("openai:gpt-x: 401 unauthorized", { kind: "authentication", status: 401 }),
      "ok",
    ]);
    await expect(withRetries(model, DEFAULT_RETRY_POLICY, hooks).generate(request)).rejects.toThrow(
      /401/,
    );
    expect(model.calls).toBe(1);
  });

  it("gives up after the attempt budget", async () => {
    const model = scripted([new ProviderError("reset", { kind: "connection" })]);
    await expect(
      withRetries(model, { ...DEFAULT_RETRY_POLICY, maxAttempts: 3 }, hooks).generate(request),
    ).rejects.toThrow(/reset/);
    expect(model.calls).toBe(3);
  });
});

describe("AdaptiveConcurrency", () => {
  it("doubles in slow start, halves on a rate limit, then grows by one per window", () => {
    const limit = new AdaptiveConcurrency({ initial: 2, max: 64 });
    const cycle = (outcome: "success" | "rate_limited") => {
      void limit.acquire();
      limit.release(outcome);
    };
    cycle("success");
    expect(limit.current).toBe(4);
    cycle("success");
    expect(limit.current).toBe(8);
    cycle("rate_limited");
    expect(limit.current).toBe(4);
    for (let i = 0; i < 3; i++) cycle("success");
    expect(limit.current).toBe(4);
    cycle("success");
    expect(limit.current).toBe(5);
  });

  it("never lets more calls in than the limit", async () => {
    const limit = new AdaptiveConcurrency({ initial: 2, max: 2 });
    let active = 0;
    let peak = 0;
    const model = withConcurrencyLimit(
      {
        spec: "stub:m",
        simulated: false,
        async generate() {
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((resolve) => setTimeout(resolve, 5));
          active -= 1;
          return result("ok");
        },
      },
      limit,
    );
    await Promise.all(Array.from({ length: 10 }, () => model.generate(request)));
    expect(peak).toBe(2);
  });
});

describe("withResponseCache", () => {
  it("replays a repeated call from disk and marks it cached", async () => {
    const directory = temporaryDirectory();
    const model = scripted(["first", "second"]);
    const cached = withResponseCache(model, { directory, endpoint: "http://127.0.0.1:1/v1" });
    expect((await cached.generate(request)).text).toBe("first");
    const replay = await cached.generate(request);
    expect(replay.text).toBe("first");
    expect(replay.metadata?.cached).toBe(true);
    expect(model.calls).toBe(1);
  });

  it("makes one call for identical requests in flight at once", async () => {
    const model = scripted(["only", "second"]);
    const cached = withResponseCache(model, { directory: temporaryDirectory(), endpoint: "e" });
    const results = await Promise.all([
      cached.generate(request),
      cached.generate(request),
      cached.generate(request),
    ]);
    expect(results.map((result) => result.text)).toEqual(["only", "only", "only"]);
    expect(results.filter((result) => result.metadata?.cached === true)).toHaveLength(2);
    expect(model.calls).toBe(1);
  });

  it("keeps repeats (other sample indexes) independent draws", async () => {
    const model = scripted(["first", "second"]);
    const cached = withResponseCache(model, { directory: temporaryDirectory(), endpoint: "e" });
    await cached.generate(request);
    expect((await cached.generate({ ...request, sampleIndex: 1 })).text).toBe("second");
  });

  it("uses the reply when the cache cannot be written, and says so once", async () => {
    const parentFile = join(temporaryDirectory(), "not-a-directory");
    writeFileSync(parentFile, "");
    const warnings: string[] = [];
    const model = scripted(["first", "second", "third"]);
    const cached = withResponseCache(model, {
      directory: join(parentFile, "cache"),
      endpoint: "e",
      warn: (message) => warnings.push(message),
    });
    expect((await cached.generate(request)).text).toBe("first");
    expect((await cached.generate({ ...request, sampleIndex: 1 })).text).toBe("second");
    expect((await cached.generate(request)).text).toBe("third");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/cannot be written .*going on without caching/);
  });

  it.each([
    ["{}", {}],
    ["[1,2]", [1, 2]],
    ['{"text":5}', { text: 5 }],
    ["a result with empty text", result("")],
    ["a result without usage", { ...result("old"), usage: undefined }],
  ])("treats an entry of the wrong shape (%s) as a miss and replaces it", async (_name, entry) => {
    const directory = temporaryDirectory();
    const first = withResponseCache(scripted(["fresh"]), { directory, endpoint: "e" });
    await first.generate(request);
    const [shard = ""] = readdirSync(directory);
    const [name = ""] = readdirSync(join(directory, shard));
    const file = join(directory, shard, name);
    writeFileSync(file, JSON.stringify(entry));
    const model = scripted(["replacement"]);
    const cached = withResponseCache(model, { directory, endpoint: "e" });
    const reply = await cached.generate(request);
    expect(reply.text).toBe("replacement");
    expect(reply.metadata?.cached).toBeUndefined();
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(result("replacement"));
    expect((await cached.generate(request)).metadata?.cached).toBe(true);
    expect(model.calls).toBe(1);
  });

  it("stores only the response, never request secrets", async () => {
    const directory = temporaryDirectory();
    await withResponseCache(scripted(["ok"]), { directory, endpoint: "e" }).generate(request);
    const [shard] = readdirSync(directory);
    const [file] = readdirSync(join(directory, shard ?? ""));
    const stored = readFileSync(join(directory, shard ?? "", file ?? ""), "utf8");
    expect(JSON.parse(stored)).toEqual(result("ok"));
  });
});
