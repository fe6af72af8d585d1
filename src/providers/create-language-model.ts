import { InputError, type InputLocation } from "../spec/input-error.ts";
import type { LanguageModel } from "../spec/language-model.ts";
import { withConcurrencyLimit } from "./middleware/with-concurrency-limit.ts";
import { withResponseCache } from "./middleware/with-response-cache.ts";
import { withRetries } from "./middleware/with-retries.ts";
import { endpointLimit, type ModelEnvironment } from "./model-environment.ts";
import { parseModelSpec } from "./model-spec.ts";
import { anthropicModel, ggufModel, openAIStyleModel } from "./provider-factories.ts";
import { SimulatedSubject } from "./sim/simulated-subject.ts";

/** A provider's model before the shared middleware, with the endpoint it talks to. */
export interface ProviderModel {
  model: LanguageModel;
  /** Identifies the server for the cache key and the concurrency limit (never holds a key). */
  endpoint: string;
}

type ProviderFactory = (
  spec: string,
  model: string,
  environment: ModelEnvironment,
  location: InputLocation,
) => ProviderModel;

/** The providers this build knows; each maps a model name to a LanguageModel. */
const PROVIDERS: Record<string, ProviderFactory> = {
  sim: (spec, model) => ({ model: SimulatedSubject.fromProfileName(spec, model), endpoint: "sim" }),
  openai: openAIStyleModel("openai"),
  ollama: openAIStyleModel("ollama"),
  "openai-compatible": openAIStyleModel("openai-compatible"),
  anthropic: anthropicModel,
  gguf: ggufModel,
};

export function knownProviders(): string[] {
  return Object.keys(PROVIDERS);
}

/**
 * Makes a model from its spec, or throws an InputError that names where the spec came from.
 * Real providers are wrapped: response cache, then retries, then the concurrency limits.
 */
export function createLanguageModel(
  spec: string,
  location: InputLocation,
  environment: ModelEnvironment,
): LanguageModel {
  const { provider, model } = parseModelSpec(spec, location);
  const factory = PROVIDERS[provider];
  if (!factory) {
    throw new InputError(
      `unknown provider "${provider}"; known: ${knownProviders().join(", ")}`,
      location,
    );
  }
  let made: ProviderModel;
  try {
    made = factory(spec, model, environment, location);
  } catch (error) {
    if (error instanceof InputError) throw new InputError(error.problem, location);
    throw error;
  }
  if (made.model.simulated || environment.planning) return made.model;
  const settings = environment.settings[spec];
  const limited = withConcurrencyLimit(
    made.model,
    endpointLimit(environment, made.endpoint, settings),
    environment.globalLimit,
  );
  const retried = withRetries(limited);
  return environment.cacheDir
    ? withResponseCache(retried, { directory: environment.cacheDir, endpoint: made.endpoint })
    : retried;
}

/** An environment for offline use (tests, the demo): no cache, the process environment. */
export function defaultModelEnvironment(
  overrides: Partial<ModelEnvironment> = {},
): ModelEnvironment {
  return {
    env: process.env,
    settings: {},
    cacheDir: null,
    endpointLimits: new Map(),
    ...overrides,
  };
}
