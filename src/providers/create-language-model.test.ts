/**
 * Which key goes to which server: a provider's key only to its own servers, or where named; and
 * models.SPEC.reasoning_effort and thinking_budget reach the provider and are recorded per call.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningStub, startAnthropicStub } from "../../test/stubs/anthropic-stub-server.ts";
import { startOpenAIStub } from "../../test/stubs/openai-stub-server.ts";
import { testRequest } from "../../test/test-request.ts";
import { checkModelSettings } from "../spec/check-model-settings.ts";
import type { ModelSettings } from "../spec/experiment.ts";
import { InputError } from "../spec/input-error.ts";
import { createLanguageModel, defaultModelEnvironment } from "./create-language-model.ts";

const OPENAI_KEY = "sk-openai-users-own-key";
const ANTHROPIC_KEY = "sk-ant-users-own-key";
const COMPATIBLE_KEY = "sk-compatible-key";
const NAMED_KEY = "sk-named-for-this-server";

const request = testRequest({ temperature: 0, maxTokens: 5 });

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

const env = {
  OPENAI_API_KEY: OPENAI_KEY,
  ANTHROPIC_API_KEY: ANTHROPIC_KEY,
  NAMED_KEY,
};

function make(
  spec: string,
  options: {
    settings?: ModelSettings;
    baseURL?: string;
    env?: Record<string, string>;
    planning?: boolean;
  } = {},
) {
  return createLanguageModel(
    spec,
    { field: "test" },
    defaultModelEnvironment({
      env: options.env ?? env,
      settings: options.settings ? { [spec]: options.settings } : {},
      ...(options.baseURL ? { baseURL: options.baseURL } : {}),
      ...(options.planning ? { planning: true } : {}),
    }),
  );
}

/** Makes one call and returns the credentials the server saw. */
async function presented(stub: RunningStub, model: ReturnType<typeof make>) {
  const before = stub.requests.length;
  await model.generate({ ...request, seed: stub.requests.length });
  const seen = stub.requests[before];
  return `${seen?.headers.authorization ?? ""} ${seen?.headers["x-api-key"] ?? ""}`;
}

describe("key scoping for OpenAI-style servers", () => {
  it("never sends OPENAI_API_KEY to an openai-compatible server", async () => {
    const model = make("openai-compatible:m", { settings: { base_url: openai.baseURL } });
    expect(await presented(openai, model)).not.toContain(OPENAI_KEY);
    const fromCommandLine = make("openai-compatible:m", { baseURL: openai.baseURL });
    expect(await presented(openai, fromCommandLine)).not.toContain(OPENAI_KEY);
  });

  it("sends OPENAI_COMPATIBLE_API_KEY, or the api_key_env variable, to an openai-compatible server", async () => {
    const own = make("openai-compatible:m", {
      baseURL: openai.baseURL,
      env: { ...env, OPENAI_COMPATIBLE_API_KEY: COMPATIBLE_KEY },
    });
    expect(await presented(openai, own)).toContain(COMPATIBLE_KEY);
    const named = make("openai-compatible:m", {
      settings: { base_url: openai.baseURL, api_key_env: "NAMED_KEY" },
    });
    const seen = await presented(openai, named);
    expect(seen).toContain(NAMED_KEY);
    expect(seen).not.toContain(OPENAI_KEY);
  });

  it("sends OPENAI_API_KEY to an openai: model's --base-url or OPENAI_BASE_URL", async () => {
    expect(await presented(openai, make("openai:m", { baseURL: openai.baseURL }))).toContain(
      OPENAI_KEY,
    );
    const viaEnvironment = make("openai:m", { env: { ...env, OPENAI_BASE_URL: openai.baseURL } });
    expect(await presented(openai, viaEnvironment)).toContain(OPENAI_KEY);
  });

  it("refuses to send OPENAI_API_KEY to a base_url from the experiment file unless named", async () => {
    const before = openai.requests.length;
    expect(() => make("openai:m", { settings: { base_url: openai.baseURL } })).toThrow(
      /base_url \(127\.0\.0\.1:\d+\) from the experiment file.*api_key_env/,
    );
    expect(openai.requests.length).toBe(before);
    const named = make("openai:m", {
      settings: { base_url: openai.baseURL, api_key_env: "OPENAI_API_KEY" },
    });
    expect(await presented(openai, named)).toContain(OPENAI_KEY);
  });

  it("fails early when api_key_env names an unset variable", () => {
    expect(() =>
      make("openai-compatible:m", {
        settings: { base_url: openai.baseURL, api_key_env: "NOT_SET_ANYWHERE" },
      }),
    ).toThrow(/needs NOT_SET_ANYWHERE/);
  });
});

describe("key scoping for Anthropic", () => {
  it("sends ANTHROPIC_API_KEY to ANTHROPIC_BASE_URL, never OPENAI_API_KEY", async () => {
    const model = make("anthropic:m", { env: { ...env, ANTHROPIC_BASE_URL: anthropic.baseURL } });
    const seen = await presented(anthropic, model);
    expect(seen).toContain(ANTHROPIC_KEY);
    expect(seen).not.toContain(OPENAI_KEY);
  });

  it("sends a key to a base_url from the experiment file only through api_key_env", async () => {
    expect(() => make("anthropic:m", { settings: { base_url: anthropic.baseURL } })).toThrow(
      /api_key_env/,
    );
    const named = make("anthropic:m", {
      settings: { base_url: anthropic.baseURL, api_key_env: "NAMED_KEY" },
    });
    const seen = await presented(anthropic, named);
    expect(seen).toContain(NAMED_KEY);
    expect(seen).not.toContain(ANTHROPIC_KEY);
  });
});

describe("models made for planning", () => {
  it("need neither a key nor a server", () => {
    const options = { env: {}, planning: true };
    expect(make("openai:m", options).spec).toBe("openai:m");
    expect(make("anthropic:m", options).spec).toBe("anthropic:m");
    expect(make("openai-compatible:m", options).spec).toBe("openai-compatible:m");
    expect(() => make("openai:m", { env: {} })).toThrow(/needs OPENAI_API_KEY/);
    expect(() => make("openai-compatible:m", { env: {} })).toThrow(/needs a server/);
  });
});

/** A call with room for a reply, at a non-default temperature. */
const reasoningRequest = { ...request, temperature: 0.7, maxTokens: 300 };

/** The JSON body of the last request the stub received. */
function lastBody(stub: RunningStub): Record<string, unknown> {
  return stub.requests.at(-1)?.body as Record<string, unknown>;
}

describe("reasoning controls", () => {
  it("sends reasoning_effort to an OpenAI-style server and records it with the call", async () => {
    const model = make("openai-compatible:r", {
      settings: { reasoning_effort: "high" },
      baseURL: openai.baseURL,
    });
    const result = await model.generate(reasoningRequest);
    expect(lastBody(openai).reasoning_effort).toBe("high");
    expect(result.metadata?.reasoning_effort).toBe("high");
    const plain = make("openai-compatible:plain", { baseURL: openai.baseURL });
    const unset = await plain.generate({ ...reasoningRequest, seed: 2 });
    expect(lastBody(openai)).not.toHaveProperty("reasoning_effort");
    expect(unset.metadata).not.toHaveProperty("reasoning_effort");
  });

  it("turns on Anthropic thinking with the budget, on top of max_tokens, and records it", async () => {
    const model = make("anthropic:t", {
      settings: { thinking_budget: 2048 },
      env: { ...env, ANTHROPIC_BASE_URL: anthropic.baseURL },
    });
    const result = await model.generate(reasoningRequest);
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
