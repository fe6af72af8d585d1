/** Usage a server reports is billed only when it is a plausible token count (issue 13). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AnthropicStubBehaviour,
  type RunningStub,
  startAnthropicStub,
} from "../../test/stubs/anthropic-stub-server.ts";
import { type OpenAIStubBehaviour, startOpenAIStub } from "../../test/stubs/openai-stub-server.ts";
import { testRequest } from "../../test/test-request.ts";
import { createLanguageModel, defaultModelEnvironment } from "./create-language-model.ts";
import { ProviderError } from "./provider-error.ts";

const request = testRequest({ maxTokens: 16 });

let openai: RunningStub;
let anthropic: RunningStub;
let openaiReply: OpenAIStubBehaviour = { type: "reply" };
let anthropicReply: AnthropicStubBehaviour = { type: "reply" };
beforeAll(async () => {
  openai = await startOpenAIStub({ script: () => openaiReply });
  anthropic = await startAnthropicStub({ script: () => anthropicReply });
});
afterAll(async () => {
  await openai.close();
  await anthropic.close();
});

function model(spec: string, baseURL: string, stream = false) {
  return createLanguageModel(
    spec,
    { field: "test" },
    defaultModelEnvironment({
      env: { OPENAI_COMPATIBLE_API_KEY: "none", STUB_KEY: "test-key-anthropic" },
      settings: { [spec]: { base_url: baseURL, stream, api_key_env: "STUB_KEY" } },
    }),
  );
}

async function failure(call: Promise<unknown>): Promise<ProviderError> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe("absurd usage is a provider fault", () => {
  it.each([
    [{ promptTokens: -1e9, completionTokens: 5 }, "prompt_tokens: -1000000000"],
    [{ promptTokens: 10, completionTokens: 2.5 }, "completion_tokens: 2.5"],
    [{ promptTokens: 20_000_000, completionTokens: 5 }, "prompt_tokens: 20000000"],
  ])("OpenAI-style usage %o is refused, naming %s", async (usage, named) => {
    openaiReply = { type: "reply", content: "fine", usage };
    for (const stream of [false, true]) {
      const error = await failure(
        model("openai-compatible:m", openai.baseURL, stream).generate(request),
      );
      expect(error.kind).toBe("malformed_response");
      expect(error.message).toContain(named);
    }
  });

  it("refuses negative Anthropic usage, naming the field", async () => {
    anthropicReply = { type: "reply", text: "fine", usage: { inputTokens: -1e9, outputTokens: 3 } };
    const error = await failure(model("anthropic:m", anthropic.baseURL).generate(request));
    expect(error.kind).toBe("malformed_response");
    expect(error.message).toContain("input_tokens: -1000000000");
  });

  it("accepts ordinary usage", async () => {
    openaiReply = {
      type: "reply",
      content: "fine",
      usage: { promptTokens: 7, completionTokens: 1 },
    };
    const result = await model("openai-compatible:m", openai.baseURL).generate(request);
    expect(result.usage).toEqual({ inputTokens: 7, outputTokens: 1 });
  });
});
