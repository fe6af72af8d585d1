import type { ModelSettings } from "../spec/experiment.ts";
import type { BatchLedger } from "./batch/batch-ledger.ts";
import type { CallMonitor } from "./call-monitor.ts";
import type { Semaphore } from "./middleware/adaptive-concurrency.ts";
import { AdaptiveConcurrency } from "./middleware/adaptive-concurrency.ts";
import { RateGovernor } from "./middleware/rate-governor.ts";
import type { SpendBudget } from "./spend-budget.ts";

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
  /** One rate governor per endpoint (base URL + model), shared by every use of that model there. */
  rateGovernors?: Map<string, RateGovernor>;
  /**
   * Live per-endpoint figures (requests/s, tokens/s, 429s, retries) for progress displays; made
   * by `createLanguageModel` when absent.
   */
  callMonitor?: CallMonitor;
  /** The run's money ledger and `--max-cost`: every real model call reserves and settles here. */
  budget?: SpendBudget;
  /**
   * Where batch models (`models.SPEC.batch`) record their provider batches; the command attaches
   * it to the run directory once that exists, so a resumed run finds batches still running.
   */
  batchLedger?: BatchLedger;
}

/** Trials a run keeps going at once; each makes one model call at a time. */
export const TRIALS_IN_FLIGHT = 16;

export function endpointLimit(
  environment: ModelEnvironment,
  endpoint: string,
  settings: ModelSettings | undefined,
): AdaptiveConcurrency {
  let limit = environment.endpointLimits.get(endpoint);
  if (!limit) {
    const max = settings?.max_concurrency ?? 64;
    // Starts at what binds (the run's trials in flight, or --max-concurrency): a slow start from 4
    // cost a latency-bound run a whole call's latency; a 429 halves it from there.
    const binding = environment.globalLimit?.current ?? TRIALS_IN_FLIGHT;
    limit = new AdaptiveConcurrency({ initial: Math.min(max, binding), max });
    environment.endpointLimits.set(endpoint, limit);
  }
  return limit;
}

/** The governor of one endpoint (base URL + model id), made on first use from the settings. */
export function endpointGovernor(
  environment: ModelEnvironment,
  baseURL: string,
  spec: string,
  settings: ModelSettings | undefined,
): RateGovernor {
  environment.rateGovernors ??= new Map();
  const key = `${baseURL} ${spec}`;
  let governor = environment.rateGovernors.get(key);
  if (!governor) {
    governor = new RateGovernor({
      requestsPerMinute: settings?.rpm,
      tokensPerMinute: settings?.tpm,
    });
    environment.rateGovernors.set(key, governor);
  }
  return governor;
}
