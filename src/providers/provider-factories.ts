import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { InputError, type InputLocation } from "../spec/input-error.ts";
import type { GenerateRequest, GenerateResult, LanguageModel } from "../spec/language-model.ts";
import type { ProviderModel } from "./create-language-model.ts";
import type { ModelEnvironment } from "./model-environment.ts";
import type { OpenAIChatFlavour } from "./openai/openai-chat-language-model.ts";

/**
 * The SDKs and llama.cpp take seconds to import; a model loads its provider's module on its first
 * call, so commands that never call it (validate, plan, report, the demo) start fast.
 */
function lazyModel(spec: string, load: () => Promise<LanguageModel>): LanguageModel {
  let loaded: Promise<LanguageModel> | undefined;
  return {
    spec,
    simulated: false,
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      loaded ??= load();
      return (await loaded).generate(request);
    },
  };
}

export const OLLAMA_DEFAULT_BASE_URL = "http://127.0.0.1:11434/v1";
const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";
const ANTHROPIC_DEFAULT_BASE_URL = "https://api.anthropic.com";

/**
 * OpenAI's API, an Ollama server, or any server that speaks chat completions. The base URL comes
 * from the experiment's models: settings, then --base-url, then the environment.
 */
export function openAIStyleModel(flavour: OpenAIChatFlavour) {
  return (
    spec: string,
    model: string,
    environment: ModelEnvironment,
    location: InputLocation,
  ): ProviderModel => {
    const settings = environment.settings[spec];
    const baseURL =
      settings?.base_url ?? environment.baseURL ?? defaultBaseURL(flavour, environment);
    if (!baseURL) {
      throw new InputError(
        `${spec} needs a server: set models."${spec}".base_url in the experiment or pass --base-url`,
        location,
      );
    }
    const apiKey = apiKeyFor(flavour, environment, spec, location);
    const timeoutMs = settings?.timeout_seconds ? settings.timeout_seconds * 1000 : undefined;
    const load = async () => {
      const { createOpenAIChatLanguageModel } = await import(
        "./openai/openai-chat-language-model.ts"
      );
      return createOpenAIChatLanguageModel({
        spec,
        model,
        apiKey,
        baseURL,
        timeoutMs,
        stream: settings?.stream,
      });
    };
    return { model: lazyModel(spec, load), endpoint: baseURL };
  };
}

function defaultBaseURL(
  flavour: OpenAIChatFlavour,
  environment: ModelEnvironment,
): string | undefined {
  if (flavour === "openai") return environment.env.OPENAI_BASE_URL ?? OPENAI_DEFAULT_BASE_URL;
  if (flavour === "ollama") return environment.env.OLLAMA_BASE_URL ?? OLLAMA_DEFAULT_BASE_URL;
  return undefined;
}

function apiKeyFor(
  flavour: OpenAIChatFlavour,
  environment: ModelEnvironment,
  spec: string,
  location: InputLocation,
): string {
  if (flavour === "ollama") return "ollama";
  if (flavour === "openai-compatible")
    return environment.env.OPENAI_COMPATIBLE_API_KEY ?? environment.env.OPENAI_API_KEY ?? "none";
  const key = environment.env.OPENAI_API_KEY;
  if (!key)
    throw new InputError(
      `${spec} needs OPENAI_API_KEY in the environment or a .env file`,
      location,
    );
  return key;
}

export function anthropicModel(
  spec: string,
  model: string,
  environment: ModelEnvironment,
  location: InputLocation,
): ProviderModel {
  const settings = environment.settings[spec];
  const key = environment.env.ANTHROPIC_API_KEY;
  if (!key)
    throw new InputError(
      `${spec} needs ANTHROPIC_API_KEY in the environment or a .env file`,
      location,
    );
  const baseURL =
    settings?.base_url ?? environment.env.ANTHROPIC_BASE_URL ?? ANTHROPIC_DEFAULT_BASE_URL;
  const timeoutMs = settings?.timeout_seconds ? settings.timeout_seconds * 1000 : undefined;
  const load = async () => {
    const { createAnthropicLanguageModel } = await import(
      "./anthropic/anthropic-language-model.ts"
    );
    return createAnthropicLanguageModel({ spec, model, apiKey: key, baseURL, timeoutMs });
  };
  return { model: lazyModel(spec, load), endpoint: baseURL };
}

/** `gguf:PATH`: a local file, run in-process; never downloads anything. */
export function ggufModel(
  spec: string,
  path: string,
  environment: ModelEnvironment,
  location: InputLocation,
): ProviderModel {
  const absolutePath = resolve(path);
  if (!existsSync(absolutePath))
    throw new InputError(`GGUF model file not found: ${absolutePath}`, location);
  const contextSize = environment.settings[spec]?.context_size;
  const load = async () => {
    const { createGgufLanguageModel } = await import("./gguf/gguf-language-model.ts");
    return createGgufLanguageModel(spec, absolutePath, contextSize ? { contextSize } : {});
  };
  return { model: lazyModel(spec, load), endpoint: `gguf:${absolutePath}` };
}
