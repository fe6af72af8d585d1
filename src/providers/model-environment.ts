import type { ModelSettings } from "../spec/experiment.ts";
import type { Semaphore } from "./middleware/adaptive-concurrency.ts";
import { AdaptiveConcurrency } from "./middleware/adaptive-concurrency.ts";

/** Everything a provider needs beyond its spec: keys, endpoints, settings, shared limits. */
export interface ModelEnvironment {
  /** Where keys and base URLs are read (process.env, after a `.env` file is loaded). */
  env: Readonly<Record<string, string | undefined>>;
  /** The experiment's `models:` settings, by spec. */
  settings: Readonly<Record<string, ModelSettings>>;
  /** `--base-url`: for every model that speaks the OpenAI wire format and has no base_url of its own. */
  baseURL?: string;
  /**
   * For `plan`: models are only counted and priced, never called, so no key is read, no server is
   * required and no client is made.
   */
  planning?: boolean;
  /** Where responses are cached; null turns the cache off (`--no-cache`). */
  cacheDir: string | null;
  /** `--max-concurrency`: calls in flight across every provider. */
  globalLimit?: Semaphore;
  /** One adaptive limit per endpoint, shared by every model on it. */
  endpointLimits: Map<string, AdaptiveConcurrency>;
}

export function endpointLimit(
  environment: ModelEnvironment,
  endpoint: string,
  settings: ModelSettings | undefined,
): AdaptiveConcurrency {
  let limit = environment.endpointLimits.get(endpoint);
  if (!limit) {
    const max = settings?.max_concurrency ?? 64;
    limit = new AdaptiveConcurrency({ initial: Math.min(4, max), max });
    environment.endpointLimits.set(endpoint, limit);
  }
  return limit;
}
