import { InputError, type InputLocation } from "../spec/input-error.ts";
import { createAnthropicLanguageModel } from "./anthropic/anthropic-language-model.ts";
import type { ProviderModel } from "./create-language-model.ts";
import { createGgufLanguageModel } from "./gguf/gguf-language-model.ts";
import type { ModelEnvironment } from "./model-environment.ts";
import {
  createOpenAIChatLanguageModel,
  type OpenAIChatFlavour,
} from "./openai/openai-chat-language-model.ts";

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
    return {
      model: createOpenAIChatLanguageModel({ spec, model, apiKey, baseURL, timeoutMs }),
      endpoint: baseURL,
    };
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
  return {
    model: createAnthropicLanguageModel({ spec, model, apiKey: key, baseURL, timeoutMs }),
    endpoint: baseURL,
  };
}

/** `gguf:PATH`: a local file, run in-process; never downloads anything. */
export function ggufModel(
  spec: string,
  path: string,
  environment: ModelEnvironment,
): ProviderModel {
  const contextSize = environment.settings[spec]?.context_size;
  const model = createGgufLanguageModel(spec, path, contextSize ? { contextSize } : {});
  return { model, endpoint: `gguf:${model.modelPath}` };
}
