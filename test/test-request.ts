import type { GenerateRequest, GenerateResult } from "../src/spec/language-model.ts";

/** A one-message request for tests of the call path; a test overrides what it is about. */
export function testRequest(overrides: Partial<GenerateRequest> = {}): GenerateRequest {
  return {
    messages: [{ role: "user", content: "hello" }],
    temperature: 1,
    topP: 1,
    maxTokens: 10,
    seed: 1,
    sampleIndex: 0,
    ...overrides,
  };
}

/** A model's reply for tests of the call path; a test overrides what it is about. */
export function testResult(overrides: Partial<GenerateResult> = {}): GenerateResult {
  return {
    text: "ok",
    usage: { inputTokens: 1, outputTokens: 1 },
    modelId: "m",
    finishReason: "stop",
    latencyMs: 1,
    ...overrides,
  };
}
