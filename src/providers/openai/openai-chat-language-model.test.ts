import { afterEach, describe, expect, it } from "vitest";
import {
  type OpenAIStubOptions,
  type RunningStub,
  startOpenAIStub,
} from "../../../test/stubs/openai-stub-server.ts";
import { expectProviderFailure, requestBody } from "../../../test/stubs/provider-assertions.ts";
import { InputError } from "../../spec/input-error.ts";
import type { GenerateRequest, LanguageModel } from "../../spec/language-model.ts";
import { DEFAULT_RETRY_POLICY, withRetries } from "../middleware/with-retries.ts";
import { EMPTY_RESPONSE_ATTEMPTS } from "../provider-error.ts";
import {
  createOpenAIChatLanguageModel,
  type OpenAIChatModelOptions,
} from "./openai-chat-language-model.ts";

const KEY = "sk-test-0123456789abcdefSECRET";
const stubs: RunningStub[] = [];

afterEach(async () => {
  await Promise.all(stubs.splice(0).map((stub) => stub.close()));
});

async function setUp(
  stubOptions: OpenAIStubOptions = {},
  modelOptions: Partial<OpenAIChatModelOptions> = {},
): Promise<{ stub: RunningStub; model: LanguageModel }> {
  const stub = await startOpenAIStub(stubOptions);
  stubs.push(stub);
  const spec = modelOptions.spec ?? "openai:gpt-test";
  const model = createOpenAIChatLanguageModel({
    spec,
    model: spec.slice(spec.indexOf(":") + 1),
    apiKey: KEY,
    baseURL: stub.baseURL,
    timeoutMs: 5_000,
    ...modelOptions,
  });
  return { stub, model };
}

function request(overrides: Partial<GenerateRequest> = {}): GenerateRequest {
  return {
    messages: [
      { role: "system", content: "You are a car salesperson." },
      { role: "user", content: "Was the car ever in an accident?" },
    ],
    temperature: 0.7,
    topP: 0.9,
    maxTokens: 321,
    seed: 42,
    sampleIndex: 0,
    ...overrides,
  };
}

const failure = (promise: Promise<unknown>) =>
  expectProviderFailure(promise, "openai:gpt-test", KEY);
const body = requestBody;

describe("OpenAI chat model: request mapping", () => {
  it("sends messages, sampling settings, seed and max_completion_tokens to openai:", async () => {
    const { stub, model } = await setUp();
    await model.generate(request());
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]?.path).toBe("/v1/chat/completions");
    expect(stub.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(body(stub)).toMatchObject({
      model: "gpt-test",
      messages: [
        { role: "system", content: "You are a car salesperson." },
        { role: "user", content: "Was the car ever in an accident?" },
      ],
      temperature: 0.7,
      top_p: 0.9,
      seed: 42,
      max_completion_tokens: 321,
    });
    expect(body(stub)).not.toHaveProperty("max_tokens");
    expect(body(stub)).not.toHaveProperty("stream");
    expect(body(stub)).not.toHaveProperty("response_format");
  });

  it("sends max_tokens and even top_p = 1 to ollama: and openai-compatible: servers", async () => {
    for (const spec of ["ollama:llama3:8b", "openai-compatible:qwen3"]) {
      const { stub, model } = await setUp({}, { spec });
      await model.generate(request({ topP: 1 }));
      expect(body(stub)).toMatchObject({ max_tokens: 321, seed: 42, temperature: 0.7, top_p: 1 });
      expect(body(stub).model).toBe(spec.slice(spec.indexOf(":") + 1));
      expect(body(stub)).not.toHaveProperty("max_completion_tokens");
    }
  });

  it("leaves top_p = 1, OpenAI's default, out for openai:", async () => {
    const { stub, model } = await setUp();
    await model.generate(request({ topP: 1 }));
    expect(body(stub)).not.toHaveProperty("top_p");
  });

  it("asks for structured output with a strict json_schema response format", async () => {
    const { stub, model } = await setUp();
    const schema = {
      type: "object",
      properties: { echo: { type: "string" } },
      required: ["echo"],
      additionalProperties: false,
    };
    const result = await model.generate(
      request({ structuredOutput: { name: "judge verdict", schema } }),
    );
    expect(body(stub).response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "judge_verdict", schema, strict: true },
    });
    expect(JSON.parse(result.text)).toEqual({ echo: "Was the car ever in an accident?" });
  });

  it("never lets the SDK retry: one request per failed call", async () => {
    const { stub, model } = await setUp({ script: [{ type: "error", status: 500 }] });
    await failure(model.generate(request()));
    expect(stub.requests).toHaveLength(1);
  });

  it("needs a base URL for openai-compatible:", () => {
    expect(() =>
      createOpenAIChatLanguageModel({ spec: "openai-compatible:x", model: "x", timeoutMs: 1000 }),
    ).toThrow(InputError);
  });
});

describe("OpenAI chat model: results", () => {
  it("records the reported model, fingerprint, finish reason, usage and latency", async () => {
    const { model } = await setUp({
      script: [
        {
          type: "reply",
          content: "No accidents.",
          model: "gpt-test-2026-01-01",
          systemFingerprint: "fp_abc",
          finishReason: "length",
          usage: { promptTokens: 17, completionTokens: 3 },
        },
      ],
    });
    const result = await model.generate(request());
    expect(result).toMatchObject({
      text: "No accidents.",
      modelId: "gpt-test-2026-01-01",
      fingerprint: "fp_abc",
      finishReason: "length",
      usage: { inputTokens: 17, outputTokens: 3 },
    });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(result.nativeReasoning).toBeUndefined();
    expect(JSON.stringify(result)).not.toContain(KEY);
  });

  it("echoes the request so the mapping can be checked end to end", async () => {
    const { model } = await setUp();
    const result = await model.generate(request());
    expect(result.text).toBe("echo: Was the car ever in an accident?");
    expect(result.modelId).toBe("gpt-test");
  });

  it("returns reasoning_content as raw native reasoning and keeps <think> tags in the text", async () => {
    const { model } = await setUp({
      script: [
        {
          type: "reply",
          reasoningContent: "The manager said to hide it.",
          content: "<think>still here</think>It is fine.",
        },
      ],
    });
    const result = await model.generate(request());
    expect(result.nativeReasoning).toEqual({
      text: "The manager said to hide it.",
      visibility: "raw",
    });
    expect(result.text).toBe("<think>still here</think>It is fine.");
  });

  it("returns an Ollama-style reasoning field as raw native reasoning", async () => {
    const { model } = await setUp(
      { script: [{ type: "reply", reasoning: "Thinking it over." }] },
      { spec: "ollama:qwen3" },
    );
    const result = await model.generate(request());
    expect(result.nativeReasoning).toEqual({ text: "Thinking it over.", visibility: "raw" });
  });

  it("marks reasoning hidden when usage counts reasoning tokens but no text came back", async () => {
    const { model } = await setUp({ script: [{ type: "reply", reasoningTokens: 128 }] });
    const result = await model.generate(request());
    expect(result.nativeReasoning).toEqual({ text: "", visibility: "hidden" });
    expect(result.metadata?.reasoning_tokens).toBe(128);
  });

  it("returns a refusal as the text and says so in the metadata", async () => {
    const { model } = await setUp({
      script: [{ type: "reply", content: null, refusal: "I can't help with that." }],
    });
    const result = await model.generate(request());
    expect(result.text).toBe("I can't help with that.");
    expect(result.metadata?.refusal).toBe(true);
  });
});

describe("OpenAI chat model: streaming", () => {
  it("assembles content, reasoning, usage and the reported model from the chunks", async () => {
    const { stub, model } = await setUp(
      {
        script: [
          {
            type: "reply",
            reasoningContent: "Step one. Step two.",
            content: "The frame rail was repaired after a collision.",
            model: "served-model",
            systemFingerprint: "fp_stream",
            usage: { promptTokens: 11, completionTokens: 12 },
          },
        ],
      },
      { spec: "openai-compatible:qwen3", stream: true },
    );
    const result = await model.generate(request());
    expect(body(stub)).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(result).toMatchObject({
      text: "The frame rail was repaired after a collision.",
      nativeReasoning: { text: "Step one. Step two.", visibility: "raw" },
      modelId: "served-model",
      fingerprint: "fp_stream",
      finishReason: "stop",
      usage: { inputTokens: 11, outputTokens: 12 },
    });
  });

  it("gives the same result as a plain call", async () => {
    const reply = { type: "reply" as const, reasoning: "Hmm, let me see.", content: "Yes." };
    const plain = await setUp({ script: [reply] });
    const streamed = await setUp({ script: [reply] }, { stream: true });
    const one = await plain.model.generate(request());
    const two = await streamed.model.generate(request());
    // The wire records differ by design: a stream's chunks are summarised, not kept.
    expect({ ...two, latencyMs: 0, metadata: {}, exchange: undefined }).toEqual({
      ...one,
      latencyMs: 0,
      metadata: {},
      exchange: undefined,
    });
  });

  it("turns a stream that ends without a finish reason into a retryable connection error", async () => {
    for (const ending of ["end", "destroy"] as const) {
      const { model } = await setUp(
        { script: [{ type: "truncated-stream", ending }] },
        { stream: true },
      );
      const error = await failure(model.generate(request()));
      expect(error.kind).toBe("connection");
      expect(error.retryable).toBe(true);
    }
  });

  it("turns an error event inside the stream into a server error", async () => {
    const { model } = await setUp({ script: [{ type: "stream-error" }] }, { stream: true });
    const error = await failure(model.generate(request()));
    expect(error.kind).toBe("server");
    expect(error.message).toContain("the model crashed");
  });

  it("turns a chunk that is not JSON into malformed_response", async () => {
    const { model } = await setUp({ script: [{ type: "malformed" }] }, { stream: true });
    const error = await failure(model.generate(request()));
    expect(error.kind).toBe("malformed_response");
    expect(error.retryable).toBe(false);
  });

  it("times out a stream that stops sending", async () => {
    const { model } = await setUp(
      { script: [{ type: "stall" }] },
      { stream: true, timeoutMs: 300 },
    );
    const error = await failure(model.generate(request()));
    expect(error.kind).toBe("timeout");
  });
});

describe("OpenAI chat model: failures", () => {
  it.each([
    ["retry-after", { "retry-after": "2" }, 2000],
    ["retry-after-ms", { "retry-after-ms": "1500" }, 1500],
    ["x-ratelimit-reset-requests", { "x-ratelimit-reset-requests": "1m30s" }, 90_000],
  ])("429 with %s: rate_limit with retryAfterMs", async (_name, headers, expected) => {
    const { model } = await setUp({ script: [{ type: "rate-limit", headers }] });
    const error = await failure(model.generate(request()));
    expect(error).toMatchObject({ kind: "rate_limit", status: 429, retryAfterMs: expected });
    expect(error.retryable).toBe(true);
  });

  it("500: server, retryable", async () => {
    const { model } = await setUp({ script: [{ type: "error", status: 500, message: "boom" }] });
    const error = await failure(model.generate(request()));
    expect(error).toMatchObject({ kind: "server", status: 500 });
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("500");
    expect(error.message).toContain("boom");
  });

  it("connection reset: connection, retryable", async () => {
    const { model } = await setUp({ script: [{ type: "reset" }] });
    const error = await failure(model.generate(request()));
    expect(error.kind).toBe("connection");
    expect(error.retryable).toBe(true);
  });

  it("a server that never answers: timeout, retryable", async () => {
    const { model } = await setUp({ script: [{ type: "hang" }] }, { timeoutMs: 300 });
    const error = await failure(model.generate(request()));
    expect(error.kind).toBe("timeout");
    expect(error.retryable).toBe(true);
  });

  it("a body that stops halfway: timeout", async () => {
    const { model } = await setUp({ script: [{ type: "stall" }] }, { timeoutMs: 300 });
    const error = await failure(model.generate(request()));
    expect(error.kind).toBe("timeout");
  });

  it("a body that is not JSON, or not a completion: malformed_response, not retryable", async () => {
    const { model } = await setUp({
      script: [
        { type: "malformed" },
        { type: "malformed", body: "<html>gateway</html>", contentType: "text/html" },
        { type: "malformed", body: '{"object": "list"}' },
      ],
    });
    for (let attempt = 0; attempt < 3; attempt++) {
      const error = await failure(model.generate(request()));
      expect(error.kind).toBe("malformed_response");
      expect(error.retryable).toBe(false);
    }
  });

  it("401: authentication, not retryable, naming the spec and status but never the key", async () => {
    const { model } = await setUp({ apiKey: "sk-the-right-key-0000000000" });
    const error = await failure(model.generate(request()));
    expect(error).toMatchObject({ kind: "authentication", status: 401 });
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("401");
    expect(error.message).toContain("[redacted]");
    expect(JSON.stringify(error)).not.toContain(KEY);
  });

  it("400: bad_request; 400 context_length_exceeded: context_length", async () => {
    const { model } = await setUp({
      script: [
        { type: "error", status: 400, message: "Unsupported parameter: 'seed'." },
        {
          type: "error",
          status: 400,
          message: "This model's maximum context length is 8192 tokens.",
          code: "context_length_exceeded",
        },
      ],
    });
    const badRequest = await failure(model.generate(request()));
    expect(badRequest).toMatchObject({ kind: "bad_request", status: 400 });
    expect(badRequest.retryable).toBe(false);
    const tooLong = await failure(model.generate(request()));
    expect(tooLong.kind).toBe("context_length");
  });

  it("rethrows the caller's abort reason instead of a ProviderError", async () => {
    const { model } = await setUp({ script: [{ type: "hang" }] });
    const controller = new AbortController();
    const reason = new Error("user pressed Ctrl-C");
    const pending = model.generate(request({ signal: controller.signal }));
    setTimeout(() => controller.abort(reason), 50);
    await expect(pending).rejects.toBe(reason);
  });
});

describe("OpenAI stub server", () => {
  it("answers over the limit with 429 and a retry-after", async () => {
    const { stub, model } = await setUp({ requestsPerMinute: 2 });
    await model.generate(request());
    await model.generate(request());
    const error = await failure(model.generate(request()));
    expect(error.kind).toBe("rate_limit");
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(stub.requests).toHaveLength(3);
  });

  it("plays a script given as a function of the request", async () => {
    const { model } = await setUp({
      script: (incoming, index) =>
        index === 0
          ? {
              type: "reply",
              content: `seed was ${String(incoming.body && (incoming.body as { seed?: number }).seed)}`,
            }
          : undefined,
    });
    expect((await model.generate(request())).text).toBe("seed was 42");
    expect((await model.generate(request())).text).toBe("echo: Was the car ever in an accident?");
  });

  it("adds its fixed latency", async () => {
    const { model } = await setUp({ latencyMs: 60 });
    const result = await model.generate(request());
    expect(result.latencyMs).toBeGreaterThanOrEqual(50);
  });
});

describe("OpenAI chat model: replies without text", () => {
  it("joins the text parts of an array content", async () => {
    const { model } = await setUp({
      script: () => ({
        type: "reply",
        content: [
          { type: "text", text: "Reasoning: be honest.\n\n" },
          { type: "image_url", image_url: { url: "data:," } },
          { type: "text", text: "Response: It was repaired." },
        ],
      }),
    });
    expect((await model.generate(request())).text).toBe(
      "Reasoning: be honest.\n\nResponse: It was repaired.",
    );
  });

  it.each([
    ["content: null and no refusal", { content: null }],
    ["an empty string", { content: "" }],
    ["an array without text parts", { content: [{ type: "image_url" }] }],
  ])("%s is an empty_response fault, not an empty turn", async (_name, reply) => {
    const { model } = await setUp({ script: () => ({ type: "reply", ...reply }) });
    const error = await failure(model.generate(request()));
    expect(error.kind).toBe("empty_response");
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/the reply has no text/);
  });

  it("streamed replies without text are faults too", async () => {
    const { model } = await setUp(
      { script: () => ({ type: "reply", content: null }) },
      { stream: true },
    );
    expect((await failure(model.generate(request()))).kind).toBe("empty_response");
  });

  it("keeps a refusal or reasoning-only reply as data", async () => {
    const { model } = await setUp({
      script: (_request, index) =>
        index === 0
          ? { type: "reply", content: null, refusal: "I can't help with that." }
          : { type: "reply", content: null, reasoningContent: "thinking, then out of tokens" },
    });
    expect((await model.generate(request())).text).toBe("I can't help with that.");
    const reasoningOnly = await model.generate(request());
    expect(reasoningOnly.text).toBe("");
    expect(reasoningOnly.nativeReasoning?.text).toBe("thinking, then out of tokens");
  });

  it("retries an empty reply a bounded number of times, then fails with the reason", async () => {
    const { stub, model } = await setUp({ script: () => ({ type: "reply", content: null }) });
    const retried = withRetries(model, DEFAULT_RETRY_POLICY, { sleep: async () => {} });
    const error = await failure(retried.generate(request()));
    expect(error.message).toMatch(/openai:gpt-test: the reply has no text/);
    expect(stub.requests).toHaveLength(EMPTY_RESPONSE_ATTEMPTS);
  });
});
