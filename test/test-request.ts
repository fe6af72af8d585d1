import type { GenerateRequest } from "../src/spec/language-model.ts";

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
