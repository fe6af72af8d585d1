import type { ModelSettings } from "../spec/experiment.ts";
import { InputError, type InputLocation } from "../spec/input-error.ts";
import type { LanguageModel } from "../spec/language-model.ts";
import { CallMonitor } from "./call-monitor.ts";
import { withBudget } from "./middleware/with-budget.ts";
import { withConcurrencyLimit } from "./middleware/with-concurrency-limit.ts";
import { withEndpointRouter } from "./middleware/with-endpoint-router.ts";
import { withRateGovernor } from "./middleware/with-rate-governor.ts";
import { withResponseCache } from "./middleware/with-response-cache.ts";
import {
  DEFAULT_RETRY_POLICY,
  type RetryHooks,
  type RetryPolicy,
  withRetries,
} from "./middleware/with-retries.ts";
import { endpointGovernor, endpointLimit, type ModelEnvironment } from "./model-environment.ts";
import { parseModelSpec } from "./model-spec.ts";
import { priceOf } from "./price-table.ts";
import { anthropicModel, ggufModel, openAIStyleModel } from "./provider-factories.ts";
import { SimulatedSubject } from "./sim/simulated-subject.ts";

/** A provider's model for one server, before the shared middleware. */
export interface EndpointModel {
  model: LanguageModel;
  /** Identifies the server for the cache key and the concurrency limit (never holds a key). */
  endpoint: string;
}

/** A provider's model before the shared middleware, with the endpoint it talks to. */
export interface ProviderModel extends EndpointModel {
  /** Every server of the model, the first included, when `base_url` lists several. */
  replicas?: readonly EndpointModel[];
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
 * Real providers are wrapped: response cache, then the spend budget, then retries, then the
 * concurrency limits.
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
  environment.callMonitor ??= new CallMonitor();
  // Batch APIs queue server-side and a batch model sends failed requests again in its next round,
  // so no retries, rate governor or concurrency limit stand in front of one.
  const retried = settings?.batch
    ? made.model
    : withRetries(
        routedModel(spec, made, environment),
        retryPolicyOf(settings),
        retryHooksOf(spec, environment.callMonitor),
      );
  const budgeted = environment.budget
    ? withBudget(retried, environment.budget, {
        price: priceOf(spec, settings),
        extraOutputTokens: settings?.thinking_budget ?? 0,
      })
    : retried;
  return environment.cacheDir
    ? withResponseCache(budgeted, { directory: environment.cacheDir, endpoint: made.endpoint })
    : budgeted;
}

/**
 * The model's endpoints behind one router; each endpoint has its own stack: the adaptive
 * concurrency limit (base URL), then the rate governor (base URL + model), then the global
 * `--max-concurrency` limit, then the provider. The governor admits a call only once it has an
 * endpoint slot, so that a limit learned from the first replies applies to every later send (a
 * governor in front would have admitted the calls queued for slots before it knew the limit); the
 * global slot is taken only to send, so waiting out one endpoint's limit never blocks another's.
 */
function routedModel(
  spec: string,
  made: ProviderModel,
  environment: ModelEnvironment,
): LanguageModel {
  const settings = environment.settings[spec];
  const endpoints = (made.replicas ?? [made]).map((replica) => {
    const governor = endpointGovernor(environment, replica.endpoint, spec, settings);
    const concurrency = endpointLimit(environment, replica.endpoint, settings);
    const sent = environment.globalLimit
      ? withConcurrencyLimit(replica.model, environment.globalLimit)
      : replica.model;
    const model = withConcurrencyLimit(withRateGovernor(sent, governor), concurrency);
    return { url: replica.endpoint, model, governor, concurrency };
  });
  return withEndpointRouter(spec, endpoints, { monitor: environment.callMonitor });
}

function retryPolicyOf(settings: ModelSettings | undefined): RetryPolicy {
  const budgetSeconds = settings?.retry_budget_seconds;
  return budgetSeconds
    ? { ...DEFAULT_RETRY_POLICY, maxTotalMs: budgetSeconds * 1000 }
    : DEFAULT_RETRY_POLICY;
}

/** Retries are counted against the endpoint whose failure caused them. */
function retryHooksOf(spec: string, monitor: CallMonitor): RetryHooks {
  return {
    onRetry: (error) => {
      if (error.endpoint) monitor.recordRetry(spec, error.endpoint);
    },
  };
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
    rateGovernors: new Map(),
    callMonitor: new CallMonitor(),
    ...overrides,
  };
}
