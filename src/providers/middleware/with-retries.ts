import type { GenerateRequest, GenerateResult, LanguageModel } from "../../spec/language-model.ts";
import { EMPTY_RESPONSE_ATTEMPTS, ProviderError } from "../provider-error.ts";

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** No retry starts once this much time has passed since the first attempt. */
  maxTotalMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  maxTotalMs: 10 * 60_000,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
};

export interface RetryHooks {
  sleep?: (milliseconds: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  onRetry?: (error: ProviderError, attempt: number, delayMs: number) => void;
}

/**
 * The one layer that retries (SDK retries are off). Exponential backoff with full jitter; a
 * server's retry-after wins when it asks for longer. Only retryable failures are retried.
 */
export function withRetries(
  model: LanguageModel,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  hooks: RetryHooks = {},
): LanguageModel {
  const sleep = hooks.sleep ?? abortableSleep;
  const random = hooks.random ?? Math.random;
  return {
    spec: model.spec,
    simulated: model.simulated,
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const started = Date.now();
      for (let attempt = 1; ; attempt++) {
        try {
          return await model.generate(request);
        } catch (error) {
          if (!(error instanceof ProviderError) || !error.retryable) throw error;
          const attempts =
            error.kind === "empty_response"
              ? Math.min(policy.maxAttempts, EMPTY_RESPONSE_ATTEMPTS)
              : policy.maxAttempts;
          if (attempt >= attempts) throw error;
          const delay = retryDelay(policy, attempt, error, random);
          if (Date.now() - started + delay > policy.maxTotalMs) throw error;
          hooks.onRetry?.(error, attempt, delay);
          await sleep(delay, request.signal);
        }
      }
    },
  };
}

export function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  error: ProviderError,
  random: () => number,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = random() * ceiling;
  // A small jitter on top of retry-after keeps many waiting callers from returning in lockstep.
  if (error.retryAfterMs !== undefined)
    return Math.min(policy.maxDelayMs, error.retryAfterMs + random() * 250);
  return jittered;
}

function abortableSleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, milliseconds);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
