/**
 * The model-call stack against loopback servers: rate-limit headers learned and never passed on,
 * the serving endpoint recorded, a list of base URLs with a dead one, and a dead endpoint that
 * fails fast with a message naming it.
 */
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createLanguageModel,
  defaultModelEnvironment,
} from "../src/providers/create-language-model.ts";
import type { ModelSettings } from "../src/spec/experiment.ts";
import { startAnthropicStub } from "./stubs/anthropic-stub-server.ts";
import { type RunningStub, startOpenAIStub } from "./stubs/openai-stub-server.ts";
import { testRequest } from "./test-request.ts";

const request = testRequest({ temperature: 0, maxTokens: 5 });

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

function environmentFor(spec: string, settings: ModelSettings, env: Record<string, string> = {}) {
  return defaultModelEnvironment({ env, settings: { [spec]: settings } });
}

describe("the model-call stack", () => {
  let limited: RunningStub;
  let plain: RunningStub;
  beforeAll(async () => {
    limited = await startOpenAIStub({ tokenBucket: { ratePerSecond: 4, burst: 4 } });
    plain = await startOpenAIStub();
  });
  afterAll(async () => {
    await limited.close();
    await plain.close();
  });

  it("learns the limit from a success's headers, records the endpoint, stores no header", async () => {
    const spec = "openai-compatible:m";
    const environment = environmentFor(spec, { base_url: limited.baseURL });
    const model = createLanguageModel(spec, { field: "test" }, environment);
    const result = await model.generate(request);
    expect(result).not.toHaveProperty("rateLimitHeaders");
    expect(JSON.stringify(result)).not.toMatch(/ratelimit/);
    expect(result.metadata?.endpoint).toBe(limited.baseURL);
    const governor = environment.rateGovernors?.get(`${limited.baseURL} ${spec}`);
    expect(governor?.requestsPerMinute).toBe(240);
    const [figures] = environment.callMonitor?.snapshot() ?? [];
    expect(figures).toMatchObject({ endpoint: limited.baseURL, requestsSent: 1, successes: 1 });
  });

  it("learns from a streamed reply's headers too", async () => {
    const spec = "openai-compatible:streamed";
    const environment = environmentFor(spec, { base_url: limited.baseURL, stream: true });
    const result = await createLanguageModel(spec, { field: "test" }, environment).generate(
      request,
    );
    expect(result).not.toHaveProperty("rateLimitHeaders");
    expect(result.metadata).toMatchObject({ stream: true, endpoint: limited.baseURL });
    const governor = environment.rateGovernors?.get(`${limited.baseURL} ${spec}`);
    expect(governor?.requestsPerMinute).toBe(240);
  });

  it("hands Anthropic's rate-limit headers to the governor as well", async () => {
    const stub = await startAnthropicStub({
      script: (_request) => ({
        type: "error",
        status: 429,
        message: "rate limited",
        headers: {
          "retry-after": "0",
          "anthropic-ratelimit-requests-limit": "50",
          "anthropic-ratelimit-requests-remaining": "0",
          "anthropic-ratelimit-requests-reset": new Date(Date.now() + 1000).toISOString(),
        },
      }),
    });
    try {
      const spec = "anthropic:m";
      const environment = environmentFor(
        spec,
        { base_url: stub.baseURL, api_key_env: "KEY", retry_budget_seconds: 0.2 },
        { KEY: "sk-ant-test-key-123456" },
      );
      const model = createLanguageModel(spec, { field: "test" }, environment);
      await expect(model.generate(request)).rejects.toMatchObject({ kind: "rate_limit" });
      const governor = environment.rateGovernors?.get(`${stub.baseURL} ${spec}`);
      expect(governor?.requestsPerMinute).toBe(50);
    } finally {
      await stub.close();
    }
  });

  it("serves from the live endpoint of a list with a dead one, and records which", async () => {
    const dead = `http://127.0.0.1:${await closedPort()}/v1`;
    const spec = "openai-compatible:m";
    const environment = environmentFor(spec, { base_url: [dead, plain.baseURL] });
    const model = createLanguageModel(spec, { field: "test" }, environment);
    const before = plain.requests.length;
    for (let call = 0; call < 6; call++) {
      const result = await model.generate(request);
      expect(result.metadata?.endpoint).toBe(plain.baseURL);
    }
    expect(plain.requests.length - before).toBe(6);
  });

  it("fails fast on an endpoint nothing listens on, naming spec, URL and cause", async () => {
    const dead = `http://127.0.0.1:${await closedPort()}/v1`;
    const spec = "openai-compatible:m";
    const model = createLanguageModel(
      spec,
      { field: "test" },
      environmentFor(spec, { base_url: dead }),
    );
    const started = performance.now();
    const calls = Array.from({ length: 8 }, () => model.generate(request));
    const outcomes = await Promise.allSettled(calls);
    expect(performance.now() - started).toBeLessThan(10_000);
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({
        status: "rejected",
        reason: {
          kind: "unreachable",
          message: `${spec}: cannot reach ${dead} (ECONNREFUSED) after 3 attempts`,
        },
      });
    }
  });
});
