/** Which key goes to which server: a provider's key only to its own servers, or where named. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningStub, startAnthropicStub } from "../../test/stubs/anthropic-stub-server.ts";
import { startOpenAIStub } from "../../test/stubs/openai-stub-server.ts";
import { testRequest } from "../../test/test-request.ts";
import type { ModelSettings } from "../spec/experiment.ts";
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
