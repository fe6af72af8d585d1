/** models.SPEC.reasoning_effort and thinking_budget reach the provider and are recorded per call. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningStub, startAnthropicStub } from "../../test/stubs/anthropic-stub-server.ts";
import { startOpenAIStub } from "../../test/stubs/openai-stub-server.ts";
import { testRequest } from "../../test/test-request.ts";
import { checkModelSettings } from "../spec/check-model-settings.ts";
import type { ModelSettings } from "../spec/experiment.ts";
import { InputError } from "../spec/input-error.ts";
import { createLanguageModel, defaultModelEnvironment } from "./create-language-model.ts";

const request = testRequest({ temperature: 0.7, maxTokens: 300 });

let openai: RunningStub;
let anthropic: RunningStub;
beforeAll(async () => {
  openai = await startOpenAIStub();
  anthropic = await startAnthropicStub();
});
afterAll(async () => {
  await openai.close();
  await anthropic.close();
});

function make(spec: string, settings: ModelSettings, baseURL: string) {
  return createLanguageModel(
    spec,
    { field: "test" },
    defaultModelEnvironment({
      env: { OPENAI_COMPATIBLE_API_KEY: "k", ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: baseURL },
      settings: { [spec]: settings },
      baseURL,
    }),
  );
}

/** The JSON body of the last request the stub received. */
function lastBody(stub: RunningStub): Record<string, unknown> {
  return stub.requests.at(-1)?.body as Record<string, unknown>;
}

describe("reasoning controls", () => {
  it("sends reasoning_effort to an OpenAI-style server and records it with the call", async () => {
    const model = make("openai-compatible:r", { reasoning_effort: "high" }, openai.baseURL);
    const result = await model.generate(request);
    expect(lastBody(openai).reasoning_effort).toBe("high");
    expect(result.metadata?.reasoning_effort).toBe("high");
    const plain = make("openai-compatible:plain", {}, openai.baseURL);
    const unset = await plain.generate({ ...request, seed: 2 });
    expect(lastBody(openai)).not.toHaveProperty("reasoning_effort");
    expect(unset.metadata).not.toHaveProperty("reasoning_effort");
  });

  it("turns on Anthropic thinking with the budget, on top of max_tokens, and records it", async () => {
    const model = make("anthropic:t", { thinking_budget: 2048 }, anthropic.baseURL);
    const result = await model.generate(request);
    const body = lastBody(anthropic);
    expect(body.thinking).toMatchObject({ type: "enabled", budget_tokens: 2048 });
    // The reply keeps its own max_tokens; thinking comes on top.
    expect(body.max_tokens).toBe(300 + 2048);
    // Thinking runs at the default sampling, so no temperature is sent.
    expect(body).not.toHaveProperty("temperature");
    expect(result.metadata).toMatchObject({ thinking: "enabled", thinking_budget: 2048 });
  });

  it("refuses a control the model's provider would ignore, naming the field", () => {
    const refused = (models: Record<string, ModelSettings>) => {
      try {
        checkModelSettings({ models }, "experiment.yaml");
      } catch (error) {
        return error instanceof InputError ? error.message : String(error);
      }
      return "accepted";
    };
    expect(refused({ "openai:o3": { thinking_budget: 2048 } })).toMatch(
      /experiment\.yaml.*models\."openai:o3"\.thinking_budget.*anthropic: models only/,
    );
    expect(refused({ "anthropic:c": { reasoning_effort: "low" } })).toMatch(
      /models\."anthropic:c"\.reasoning_effort/,
    );
    expect(refused({ "ollama:m": { batch: true } })).toMatch(/models\."ollama:m"\.batch/);
    expect(refused({ "sim:default": { context_size: 4096 } })).toMatch(/context_size/);
    expect(refused({ "openai:o3": { reasoning_effort: "low", batch: true } })).toBe("accepted");
    expect(refused({ "ollama:m": { batch: false } })).toBe("accepted");
  });
});
