import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { ModelSettings } from "../spec/experiment.ts";
import { InputError, type InputLocation } from "../spec/input-error.ts";
import type { GenerateRequest, GenerateResult, LanguageModel } from "../spec/language-model.ts";
import type { EndpointModel, ProviderModel } from "./create-language-model.ts";
import { checkGgufFile } from "./gguf/check-gguf-file.ts";
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

/** The experiment's base_url setting as a list (one URL or several serving the same model). */
export function baseUrlsOf(settings: ModelSettings | undefined): string[] | undefined {
  const value = settings?.base_url;
  if (value === undefined) return undefined;
  return typeof value === "string" ? [value] : value;
}

export const OLLAMA_DEFAULT_BASE_URL = "http://127.0.0.1:11434/v1";
const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";
const ANTHROPIC_DEFAULT_BASE_URL = "https://api.anthropic.com";

/**
 * OpenAI's API, an Ollama server, or any server that speaks chat completions. The base URL comes
 * from the experiment's models: settings, then --base-url, then the environment. The key follows
 * `keyFor`: a provider's key goes to that provider's servers only.
 */
export function openAIStyleModel(flavour: OpenAIChatFlavour) {
  return (
    spec: string,
    model: string,
    environment: ModelEnvironment,
    location: InputLocation,
  ): ProviderModel => {
    const settings = environment.settings[spec];
    const fromFile = baseUrlsOf(settings);
    const baseURLs = fromFile ?? [environment.baseURL ?? defaultBaseURL(flavour, environment)];
    const baseURL = baseURLs[0];
    if (environment.planning) return { model: plannedModel(spec), endpoint: baseURL ?? spec };
    if (!baseURL) {
      throw new InputError(
        `${spec} needs a server: set models."${spec}".base_url in the experiment or pass --base-url`,
        location,
      );
    }
    const apiKey =
      flavour === "ollama" && !settings?.api_key_env
        ? "ollama"
        : keyFor(spec, environment, {
            variable: flavour === "openai" ? "OPENAI_API_KEY" : "OPENAI_COMPATIBLE_API_KEY",
            required: flavour === "openai",
            baseURLFromFile: fromFile?.[0],
          });
    const timeoutMs = settings?.timeout_seconds ? settings.timeout_seconds * 1000 : undefined;
    const served = (url: string): EndpointModel => {
      const load = async () => {
        const { createOpenAIChatLanguageModel } = await import(
          "./openai/openai-chat-language-model.ts"
        );
        const options = {
          spec,
          model,
          apiKey: apiKey ?? "none",
          baseURL: url,
          timeoutMs,
          stream: settings?.stream,
          reasoningEffort: settings?.reasoning_effort,
        };
        if (settings?.batch) {
          const { createOpenAIBatchModel } = await import("./batch/create-batch-model.ts");
          return createOpenAIBatchModel(options, environment);
        }
        return createOpenAIChatLanguageModel(options);
      };
      return { model: lazyModel(spec, load), endpoint: url };
    };
    return withReplicas(baseURLs as string[], served);
  };
}

/** One model per base URL, all with the same key; the first is the ProviderModel's own. */
function withReplicas(urls: readonly string[], served: (url: string) => EndpointModel) {
  const replicas = urls.map(served);
  const first = replicas[0] as EndpointModel;
  return replicas.length > 1 ? { ...first, replicas } : first;
}

function defaultBaseURL(
  flavour: OpenAIChatFlavour,
  environment: ModelEnvironment,
): string | undefined {
  if (flavour === "openai") return environment.env.OPENAI_BASE_URL || OPENAI_DEFAULT_BASE_URL;
  if (flavour === "ollama") return environment.env.OLLAMA_BASE_URL || OLLAMA_DEFAULT_BASE_URL;
  return undefined;
}

/**
 * The key a model may send, and only to its own server. `models.SPEC.api_key_env` names the
 * variable outright. Otherwise the provider's own variable (OPENAI_API_KEY for `openai:`,
 * ANTHROPIC_API_KEY for `anthropic:`, OPENAI_COMPATIBLE_API_KEY for `openai-compatible:`) is used,
 * except that a provider's key never follows a base_url written in the experiment file (it may
 * come from someone else): there, only api_key_env sends one. The provider's default host, its
 * *_BASE_URL variable and --base-url are the user's own choices and get the key.
 */
function keyFor(
  spec: string,
  environment: ModelEnvironment,
  rule: { variable: string; required: boolean; baseURLFromFile: string | undefined },
): string | undefined {
  const named = environment.settings[spec]?.api_key_env;
  if (named) {
    const key = environment.env[named];
    if (!key)
      throw new InputError(
        `${spec} needs ${named} (its models."${spec}".api_key_env) in the environment or a .env file`,
      );
    return key;
  }
  if (rule.baseURLFromFile !== undefined && rule.required) {
    throw new InputError(
      `${spec} has its base_url (${hostOf(rule.baseURLFromFile)}) from the experiment file, and ${rule.variable} is not sent to a server named there; set models."${spec}".api_key_env to the variable whose key that server should get`,
    );
  }
  const key = environment.env[rule.variable];
  if (!key && rule.required)
    throw new InputError(`${spec} needs ${rule.variable} in the environment or a .env file`);
  return key || undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "an unparsable URL";
  }
}

/** What `plan` gets: a model that counts and prices, never calls, and needs no key or server. */
function plannedModel(spec: string): LanguageModel {
  return {
    spec,
    simulated: false,
    generate(): Promise<GenerateResult> {
      return Promise.reject(new Error(`${spec} was made for planning and cannot be called`));
    },
  };
}

export function anthropicModel(
  spec: string,
  model: string,
  environment: ModelEnvironment,
  _location: InputLocation,
): ProviderModel {
  const settings = environment.settings[spec];
  const baseURLs = baseUrlsOf(settings) ?? [
    environment.env.ANTHROPIC_BASE_URL || ANTHROPIC_DEFAULT_BASE_URL,
  ];
  const baseURL = baseURLs[0] as string;
  if (environment.planning) return { model: plannedModel(spec), endpoint: baseURL };
  const key = keyFor(spec, environment, {
    variable: "ANTHROPIC_API_KEY",
    required: true,
    baseURLFromFile: baseUrlsOf(settings)?.[0],
  }) as string;
  const timeoutMs = settings?.timeout_seconds ? settings.timeout_seconds * 1000 : undefined;
  const served = (url: string): EndpointModel => {
    const load = async () => {
      const { createAnthropicLanguageModel } = await import(
        "./anthropic/anthropic-language-model.ts"
      );
      const thinking = settings?.thinking_budget
        ? { type: "enabled" as const, budgetTokens: settings.thinking_budget }
        : undefined;
      const options = { spec, model, apiKey: key, baseURL: url, timeoutMs, thinking };
      if (settings?.batch) {
        const { createAnthropicBatchModel } = await import("./batch/create-batch-model.ts");
        return createAnthropicBatchModel(options, environment);
      }
      return createAnthropicLanguageModel(options);
    };
    return { model: lazyModel(spec, load), endpoint: url };
  };
  return withReplicas(baseURLs, served);
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
  checkGgufFile(absolutePath, location);
  const contextSize = environment.settings[spec]?.context_size;
  const load = async () => {
    const { createGgufLanguageModel } = await import("./gguf/gguf-language-model.ts");
    return createGgufLanguageModel(spec, absolutePath, contextSize ? { contextSize } : {});
  };
  return { model: lazyModel(spec, load), endpoint: `gguf:${absolutePath}` };
}
