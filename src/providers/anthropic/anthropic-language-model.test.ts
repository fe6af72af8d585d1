import { afterEach, describe, expect, it } from "vitest";
import {
  type AnthropicStubOptions,
  type RunningStub,
  startAnthropicStub,
} from "../../../test/stubs/anthropic-stub-server.ts";
import { expectProviderFailure, requestBody } from "../../../test/stubs/provider-assertions.ts";
import type { GenerateRequest, LanguageModel } from "../../spec/language-model.ts";
import {
  type AnthropicModelOptions,
  createAnthropicLanguageModel,
} from "./anthropic-language-model.ts";

const KEY = "sk-ant-test-0123456789abcdefSECRET";
const SPEC = "anthropic:claude-test";
const stubs: RunningStub[] = [];

afterEach(async () => {
  await Promise.all(stubs.splice(0).map((stub) => stub.close()));
});

async function setUp(
  stubOptions: AnthropicStubOptions = {},
  modelOptions: Partial<AnthropicModelOptions> = {},
): Promise<{ stub: RunningStub; model: LanguageModel }> {
  const stub = await startAnthropicStub(stubOptions);
  stubs.push(stub);
  const model = createAnthropicLanguageModel({
    spec: SPEC,
    model: "claude-test",
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
      { role: "system", content: "You are a leasing assistant." },
      { role: "user", content: "Screen these applicants." },
    ],
    temperature: 0.7,
    topP: 1,
    maxTokens: 400,
    seed: 7,
    sampleIndex: 0,
    ...overrides,
  };
}

const failure = (promise: Promise<unknown>) => expectProviderFailure(promise, SPEC, KEY);
const body = requestBody;

const schema = {
  type: "object",
  properties: { undesired: { type: "string", enum: ["yes", "no"] } },
  required: ["undesired"],
};

describe("Anthropic model: request mapping", () => {
  it("puts system messages in system, always sets max_tokens and sends no seed", async () => {
    const { stub, model } = await setUp();
    await model.generate(request());
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]?.path).toBe("/v1/messages");
    expect(stub.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(stub.requests[0]?.headers["anthropic-version"]).toBeDefined();
    expect(body(stub)).toEqual({
      model: "claude-test",
      max_tokens: 400,
      system: "You are a leasing assistant.",
      messages: [{ role: "user", content: "Screen these applicants." }],
      temperature: 0.7,
    });
  });

  it("leaves temperature and top_p out at their default of 1", async () => {
    const { stub, model } = await setUp();
    await model.generate(request({ temperature: 1, topP: 1 }));
    expect(body(stub)).not.toHaveProperty("temperature");
    expect(body(stub)).not.toHaveProperty("top_p");
  });

  it("merges consecutive same-role messages into one turn of text blocks", async () => {
    const { stub, model } = await setUp();
    await model.generate(
      request({
        topP: 0.9,
        messages: [
          { role: "system", content: "Rule one." },
          { role: "system", content: "Rule two." },
          { role: "user", content: "Instruction." },
          { role: "user", content: "Applicant list." },
          { role: "assistant", content: "I can't help with that." },
          { role: "user", content: "Why not?" },
        ],
      }),
    );
    expect(body(stub)).toMatchObject({
      system: [
        { type: "text", text: "Rule one." },
        { type: "text", text: "Rule two." },
      ],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Instruction." },
            { type: "text", text: "Applicant list." },
          ],
        },
        { role: "assistant", content: "I can't help with that." },
        { role: "user", content: "Why not?" },
      ],
      top_p: 0.9,
    });
  });

  it("sends extended thinking with its budget on top of max_tokens and no sampling settings", async () => {
    const { stub, model } = await setUp(
      {},
      { thinking: { type: "enabled", budgetTokens: 2048, display: "summarized" } },
    );
    await model.generate(request({ topP: 0.9 }));
    expect(body(stub)).toMatchObject({
      max_tokens: 2448,
      thinking: { type: "enabled", budget_tokens: 2048, display: "summarized" },
    });
    expect(body(stub)).not.toHaveProperty("temperature");
    expect(body(stub)).not.toHaveProperty("top_p");
  });

  it("asks for structured output with one forced tool and returns its input as JSON", async () => {
    const { stub, model } = await setUp(
      { script: [{ type: "reply", toolInput: { undesired: "yes" } }] },
      { thinking: { type: "enabled", budgetTokens: 2048 } },
    );
    const result = await model.generate(request({ structuredOutput: { name: "verdict", schema } }));
    expect(body(stub)).toMatchObject({
      tools: [{ name: "verdict", input_schema: schema }],
      tool_choice: { type: "tool", name: "verdict" },
      max_tokens: 400,
    });
    expect(body(stub)).not.toHaveProperty("thinking");
    expect(result.text).toBe('{"undesired":"yes"}');
    expect(result.finishReason).toBe("tool_use");
  });

  it("falls back to the text when a structured call returns no tool_use", async () => {
    const { model } = await setUp({
      script: [{ type: "reply", content: [{ type: "text", text: "I won't judge this." }] }],
    });
    const result = await model.generate(request({ structuredOutput: { name: "verdict", schema } }));
    expect(result.text).toBe("I won't judge this.");
    expect(result.metadata?.structured_output_missing).toBe(true);
  });
});

describe("Anthropic model: results and reasoning", () => {
  it("records the reported model, stop reason and usage; no reasoning when none came", async () => {
    const { model } = await setUp({
      script: [
        {
          type: "reply",
          text: "Here is the shortlist.",
          model: "claude-test-20260101",
          stopReason: "max_tokens",
          usage: { inputTokens: 30, outputTokens: 5 },
        },
      ],
    });
    const result = await model.generate(request());
    expect(result).toMatchObject({
      text: "Here is the shortlist.",
      modelId: "claude-test-20260101",
      finishReason: "max_tokens",
      usage: { inputTokens: 30, outputTokens: 5 },
    });
    expect(result.nativeReasoning).toBeUndefined();
    expect(result.fingerprint).toBeUndefined();
    expect(JSON.stringify(result)).not.toContain(KEY);
  });

  it("returns thinking blocks as raw native reasoning, apart from the text", async () => {
    const { model } = await setUp({
      script: [
        { type: "reply", thinking: "The landlord's request is discriminatory.", text: "No." },
      ],
    });
    const result = await model.generate(request());
    expect(result.text).toBe("No.");
    expect(result.nativeReasoning).toEqual({
      text: "The landlord's request is discriminatory.",
      visibility: "raw",
    });
  });

  it("reports thinking as a summary when summarized display was asked for", async () => {
    const { model } = await setUp(
      { script: [{ type: "reply", thinking: "A summary of my thoughts." }] },
      { thinking: { type: "adaptive", display: "summarized" } },
    );
    const result = await model.generate(request());
    expect(result.nativeReasoning?.visibility).toBe("summary");
  });

  it("marks redacted_thinking as hidden", async () => {
    const { model } = await setUp({ script: [{ type: "reply", redactedThinking: true }] });
    const result = await model.generate(request());
    expect(result.nativeReasoning).toEqual({ text: "", visibility: "hidden" });
    expect(result.metadata?.redacted_thinking_blocks).toBe(1);
  });

  it("keeps visible thinking when some blocks were redacted, and counts the redacted ones", async () => {
    const { model } = await setUp({
      script: [{ type: "reply", redactedThinking: true, thinking: "Visible part." }],
    });
    const result = await model.generate(request());
    expect(result.nativeReasoning).toEqual({ text: "Visible part.", visibility: "raw" });
    expect(result.metadata?.redacted_thinking_blocks).toBe(1);
  });

  it("marks omitted thinking (empty text) and counted thinking tokens as hidden", async () => {
    const { model } = await setUp({
      script: [
        { type: "reply", thinking: "" },
        { type: "reply", usage: { inputTokens: 3, outputTokens: 50, thinkingTokens: 40 } },
      ],
    });
    expect((await model.generate(request())).nativeReasoning?.visibility).toBe("hidden");
    const counted = await model.generate(request());
    expect(counted.nativeReasoning).toEqual({ text: "", visibility: "hidden" });
    expect(counted.metadata?.thinking_tokens).toBe(40);
  });
});

describe("Anthropic model: failures", () => {
  it.each([
    ["retry-after", { "retry-after": "3" }, 3000],
    ["retry-after-ms", { "retry-after-ms": "250" }, 250],
  ])("429 with %s: rate_limit with retryAfterMs", async (_name, headers, expected) => {
    const { model } = await setUp({ script: [{ type: "rate-limit", headers }] });
    const error = await failure(model.generate(request()));
    expect(error).toMatchObject({ kind: "rate_limit", status: 429, retryAfterMs: expected });
    expect(error.retryable).toBe(true);
  });

  it("429 with only anthropic-ratelimit-requests-reset: waits until that time", async () => {
    const reset = new Date(Date.now() + 20_000).toISOString();
    const { model } = await setUp({
      script: [{ type: "rate-limit", headers: { "anthropic-ratelimit-requests-reset": reset } }],
    });
    const error = await failure(model.generate(request()));
    expect(error.kind).toBe("rate_limit");
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.retryAfterMs).toBeLessThanOrEqual(20_000);
  });

  it("500 and 529 overloaded: server, retryable", async () => {
    const { model } = await setUp({
      script: [
        { type: "error", status: 500 },
        { type: "error", status: 529, message: "Overloaded" },
      ],
    });
    for (const status of [500, 529]) {
      const error = await failure(model.generate(request()));
      expect(error).toMatchObject({ kind: "server", status });
      expect(error.retryable).toBe(true);
    }
  });

  it("connection reset: connection, retryable", async () => {
    const { model } = await setUp({ script: [{ type: "reset" }] });
    const error = await failure(model.generate(request()));
    expect(error.kind).toBe("connection");
    expect(error.retryable).toBe(true);
  });

  it("a server that never answers, or stops halfway: timeout, retryable", async () => {
    const { model } = await setUp(
      { script: [{ type: "hang" }, { type: "stall" }] },
      { timeoutMs: 300 },
    );
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await failure(model.generate(request()));
      expect(error.kind).toBe("timeout");
      expect(error.retryable).toBe(true);
    }
  });

  it("a body that is not JSON, or not a message: malformed_response, not retryable", async () => {
    const { model } = await setUp({
      script: [{ type: "malformed" }, { type: "malformed", body: '{"type": "message"}' }],
    });
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await failure(model.generate(request()));
      expect(error.kind).toBe("malformed_response");
      expect(error.retryable).toBe(false);
    }
  });

  it("401: authentication, not retryable, naming the spec and status but never the key", async () => {
    const { model } = await setUp({ apiKey: "sk-ant-the-right-key-000000" });
    const error = await failure(model.generate(request()));
    expect(error).toMatchObject({ kind: "authentication", status: 401 });
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("401");
    expect(error.message).toContain("authentication_error");
    expect(JSON.stringify(error)).not.toContain(KEY);
  });

  it("400: bad_request; 400 prompt is too long: context_length", async () => {
    const { model } = await setUp({
      script: [
        { type: "error", status: 400, message: "temperature: range: 0..1" },
        { type: "error", status: 400, message: "prompt is too long: 210000 tokens > 200000" },
      ],
    });
    const badRequest = await failure(model.generate(request()));
    expect(badRequest).toMatchObject({ kind: "bad_request", status: 400 });
    expect(badRequest.retryable).toBe(false);
    expect((await failure(model.generate(request()))).kind).toBe("context_length");
  });

  it("rethrows the caller's abort reason instead of a ProviderError", async () => {
    const { model } = await setUp({ script: [{ type: "hang" }] });
    const controller = new AbortController();
    const reason = new Error("user pressed Ctrl-C");
    const pending = model.generate(request({ signal: controller.signal }));
    setTimeout(() => controller.abort(reason), 50);
    await expect(pending).rejects.toBe(reason);
  });

  it("never lets the SDK retry: one request per failed call", async () => {
    const { stub, model } = await setUp({ script: [{ type: "error", status: 529 }] });
    await failure(model.generate(request()));
    expect(stub.requests).toHaveLength(1);
  });
});

describe("Anthropic stub server", () => {
  it("answers over the limit with 429 and a retry-after", async () => {
    const { model } = await setUp({ requestsPerMinute: 1 });
    await model.generate(request());
    const error = await failure(model.generate(request()));
    expect(error.kind).toBe("rate_limit");
    expect(error.retryAfterMs).toBeGreaterThan(0);
  });
});

describe("Anthropic model: replies without text", () => {
  it.each([
    ["no content blocks", []],
    ["only a redacted thinking block", [{ type: "redacted_thinking", data: "EmwK" }]],
    ["an empty text block", [{ type: "text", text: "" }]],
  ])("%s is an empty_response fault, not an empty turn", async (_name, content) => {
    const { model } = await setUp({ script: () => ({ type: "reply", content }) });
    const error = await failure(model.generate(request()));
    expect(error.kind).toBe("empty_response");
    expect(error.message).toMatch(/the reply has no text/);
  });

  it("keeps a reply whose only text is its thinking", async () => {
    const { model } = await setUp({
      script: () => ({
        type: "reply",
        content: [{ type: "thinking", thinking: "out of tokens", signature: "s" }],
        stopReason: "max_tokens",
      }),
    });
    const result = await model.generate(request());
    expect(result.text).toBe("");
    expect(result.nativeReasoning?.text).toBe("out of tokens");
  });
});
