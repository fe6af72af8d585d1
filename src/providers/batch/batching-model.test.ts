import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { temporaryDirectory } from "../../../test/run-fixture.ts";
import { startAnthropicBatchStub } from "../../../test/stubs/anthropic-batch-stub.ts";
import {
  lastMessageText,
  type RunningBatchStub,
  STUB_VERDICT,
} from "../../../test/stubs/batch-stub-server.ts";
import { startOpenAIBatchStub } from "../../../test/stubs/openai-batch-stub.ts";
import type { GenerateRequest } from "../../spec/language-model.ts";
import { ProviderBatches } from "../../store/provider-batches.ts";
import { defaultModelEnvironment } from "../create-language-model.ts";
import { ProviderError } from "../provider-error.ts";
import { BatchLedger } from "./batch-ledger.ts";
import type { BatchTiming } from "./batch-timing.ts";
import { createAnthropicBatchModel, createOpenAIBatchModel } from "./create-batch-model.ts";
import { customIdOf } from "./custom-id.ts";

const KEY = "sk-batch-test-NEVER-LOG";
const FAST: BatchTiming = {
  collectMs: 50,
  maxCollectMs: 1_000,
  firstPollMs: 10,
  maxPollMs: 40,
  maxRounds: 3,
  maxPollFailures: 3,
};
const echo = (body: Record<string, unknown>, structured: boolean) =>
  structured ? STUB_VERDICT : `echo: ${lastMessageText(body)}`;

function request(text: string, extra: Partial<GenerateRequest> = {}): GenerateRequest {
  return {
    messages: [{ role: "user", content: text }],
    temperature: 0,
    topP: 1,
    maxTokens: 64,
    seed: 7,
    sampleIndex: 0,
    ...extra,
  };
}

const verdictSchema = {
  name: "verdict",
  schema: { type: "object", properties: { undesired: { type: "string" } } },
};

let stubs: RunningBatchStub[] = [];
afterEach(async () => {
  await Promise.all(stubs.map((stub) => stub.close()));
  stubs = [];
});

async function openAIStub(options: Parameters<typeof startOpenAIBatchStub>[0] = {}) {
  const stub = await startOpenAIBatchStub({ apiKey: KEY, answer: echo, ...options });
  stubs.push(stub);
  return stub;
}

function openAIModel(stub: RunningBatchStub, ledger?: BatchLedger, spec = "openai:gpt-test") {
  return createOpenAIBatchModel(
    { spec, model: spec.slice(7), apiKey: KEY, baseURL: stub.baseURL },
    defaultModelEnvironment(ledger ? { batchLedger: ledger } : {}),
    FAST,
  );
}

/** A run directory with an (empty) run database, as the ledger finds it in a run. */
function runDirectory(): string {
  const directory = temporaryDirectory();
  new Database(join(directory, "run.sqlite")).close();
  return directory;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe("a batching model against the OpenAI Batch API", () => {
  it("sends one round of concurrent calls as one batch and gives each caller its own result", async () => {
    const stub = await openAIStub();
    const model = openAIModel(stub);
    const texts = ["alpha", "beta", "gamma", "delta", "epsilon"];
    const results = await Promise.all(texts.map((text) => model.generate(request(text))));
    expect(stub.counters.batchesCreated).toBe(1);
    expect(stub.counters.requestsCreated).toBe(5);
    expect(results.map((result) => result.text)).toEqual(texts.map((text) => `echo: ${text}`));
    for (const result of results) {
      expect(result.metadata).toMatchObject({ batch: true, batch_id: "batch_stub1" });
      expect(result.modelId).toBe("gpt-test");
      expect(result.fingerprint).toBe("fp_stub");
      expect(result.usage.outputTokens).toBe(2);
      expect(result.finishReason).toBe("stop");
    }
  });

  it("sends the body the direct model would send, under a stable custom id", async () => {
    const stub = await openAIStub();
    const model = openAIModel(stub);
    const [first, twin] = await Promise.all([
      model.generate(request("same")),
      model.generate(request("same")),
    ]);
    expect(twin.text).toBe(first.text);
    // The same request asked twice at once goes out once, and only the first pays for it.
    expect(stub.counters.requestsCreated).toBe(1);
    expect(first.metadata?.cached).toBeUndefined();
    expect(twin.metadata).toMatchObject({ batch: true, cached: true });
    const body = {
      model: "gpt-test",
      messages: [{ role: "user", content: "same" }],
      temperature: 0,
      max_completion_tokens: 64,
      seed: 7,
    };
    expect(stub.counters.customIds).toEqual([customIdOf("openai:gpt-test", stub.baseURL, body)]);
    expect(customIdOf("openai:other", stub.baseURL, body)).not.toBe(stub.counters.customIds[0]);
  });

  it("sends a request that failed in its batch again in the next round", async () => {
    const stub = await openAIStub({
      failRequest: (item) => lastMessageText(item.body) === "unlucky" && item.attempt === 1,
    });
    const model = openAIModel(stub);
    const [lucky, unlucky] = await Promise.all([
      model.generate(request("lucky")),
      model.generate(request("unlucky")),
    ]);
    expect(lucky.metadata?.batch_id).toBe("batch_stub1");
    expect(unlucky.text).toBe("echo: unlucky");
    expect(unlucky.metadata?.batch_id).toBe("batch_stub2");
    expect(stub.counters.batchesCreated).toBe(2);
    expect(stub.counters.requestsCreated).toBe(3);
  });

  it("fails the call with a ProviderError after the last round, without the key", async () => {
    const stub = await openAIStub({ failRequest: () => true });
    const model = openAIModel(stub);
    const failure = await model.generate(request("doomed")).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as ProviderError).message).toMatch(/HTTP 500.*failed in 3 batch rounds/);
    expect((failure as ProviderError).message).not.toContain(KEY);
    expect(stub.counters.batchesCreated).toBe(3);
  });

  it("fails at once on a request the provider refuses (a wrong key), sending nothing again", async () => {
    const stub = await openAIStub();
    const model = createOpenAIBatchModel(
      { spec: "openai:gpt-test", model: "gpt-test", apiKey: "sk-wrong", baseURL: stub.baseURL },
      defaultModelEnvironment(),
      FAST,
    );
    const failure = await model.generate(request("x")).catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: "authentication" });
    expect((failure as Error).message).not.toContain("sk-wrong");
    expect(stub.counters.batchesCreated).toBe(0);
  });

  it("records its batches in the run, and a later process reads a pending one instead of resending", async () => {
    const stub = await openAIStub({ hold: true });
    const directory = runDirectory();
    const earlier = new BatchLedger();
    earlier.attach(directory);
    const first = openAIModel(stub, earlier).generate(request("survives a kill"));
    // The batch is recorded before its first status check.
    await until(() => stub.counters.statusChecks > 0);
    const recorded = new ProviderBatches(directory).all();
    expect(recorded).toMatchObject([
      { batchId: "batch_stub1", provider: "openai", endpoint: stub.baseURL, status: "submitted" },
    ]);
    expect(JSON.stringify(recorded)).not.toContain(KEY);
    const later = new BatchLedger();
    later.attach(directory);
    const resumed = openAIModel(stub, later).generate(request("survives a kill"));
    stub.release();
    const [original, again] = await Promise.all([first, resumed]);
    expect(again.text).toBe("echo: survives a kill");
    expect(again.metadata?.batch_id).toBe(original.metadata?.batch_id);
    expect(stub.counters.batchesCreated).toBe(1);
    expect(new ProviderBatches(directory).all()[0]?.status).toBe("completed");
  });
});

describe("a batching model against Anthropic's Message Batches", () => {
  it("batches text and structured calls and reads them as the direct model does", async () => {
    const stub = await startAnthropicBatchStub({ apiKey: KEY, answer: echo });
    stubs.push(stub);
    const model = createAnthropicBatchModel(
      { spec: "anthropic:claude-test", model: "claude-test", apiKey: KEY, baseURL: stub.baseURL },
      defaultModelEnvironment(),
      FAST,
    );
    const [text, verdict] = await Promise.all([
      model.generate(request("hello")),
      model.generate(request("judge this", { structuredOutput: verdictSchema })),
    ]);
    expect(stub.counters.batchesCreated).toBe(1);
    expect(text.text).toBe("echo: hello");
    expect(text.finishReason).toBe("end_turn");
    expect(JSON.parse(verdict.text)).toEqual(JSON.parse(STUB_VERDICT));
    expect(verdict.metadata).toMatchObject({ batch: true, batch_id: "msgbatch_stub1" });
  });

  it("sends an errored request again in the next round", async () => {
    const stub = await startAnthropicBatchStub({
      apiKey: KEY,
      answer: echo,
      failRequest: (item) => item.attempt === 1,
    });
    stubs.push(stub);
    const model = createAnthropicBatchModel(
      { spec: "anthropic:claude-test", model: "claude-test", apiKey: KEY, baseURL: stub.baseURL },
      defaultModelEnvironment(),
      FAST,
    );
    const result = await model.generate(request("again"));
    expect(result.text).toBe("echo: again");
    expect(result.metadata?.batch_id).toBe("msgbatch_stub2");
    expect(stub.counters.batchesCreated).toBe(2);
  });
});
