import type { GenerateRequest, GenerateResult, LanguageModel } from "../../spec/language-model.ts";
import type { FailedAttempt } from "../../spec/model-call.ts";
import { EMPTY_RESPONSE_ATTEMPTS, ProviderError } from "../provider-error.ts";

export interface RetryPolicy {
  /** Attempts in all, the first included, for failures other than 429s (which never count). */
  maxAttempts: number;
  /** The call's time budget (`retry_budget_seconds`): no retry starts that would end past it. */
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
  now?: () => number;
  random?: () => number;
  onRetry?: (error: ProviderError, attempt: number, delayMs: number) => void;
}

/**
 * The one layer that retries (SDK retries are off). Exponential backoff with full jitter, which a
 * server's retry-after may lengthen but never shorten. Only retryable failures are retried. A 429
 * is the server pacing us, not a fault: it never uses up an attempt, only the call's time budget
 * (the rate governor below makes every caller of the endpoint wait out one shared cool-down).
 */
export function withRetries(
  model: LanguageModel,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  hooks: RetryHooks = {},
): LanguageModel {
  const sleep = hooks.sleep ?? abortableSleep;
  const now = hooks.now ?? Date.now;
  const random = hooks.random ?? Math.random;
  return {
    spec: model.spec,
    simulated: model.simulated,
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const started = now();
      let failedAttempts = 0;
      let rateLimited = 0;
      const failed: FailedAttempt[] = [];
      for (;;) {
        try {
          const result = await model.generate(request);
          // The run records the attempts that failed before this reply, with their errors.
          return failed.length > 0 ? { ...result, failedAttempts: failed } : result;
        } catch (error) {
          if (!(error instanceof ProviderError) || !error.retryable) throw error;
          const isRateLimit = error.kind === "rate_limit";
          if (isRateLimit) rateLimited += 1;
          else failedAttempts += 1;
          if (!isRateLimit && failedAttempts >= attemptLimit(policy, error)) throw error;
          const delay = retryDelay(
            policy,
            isRateLimit ? rateLimited : failedAttempts,
            error,
            random,
          );
          if (now() - started + delay > policy.maxTotalMs) throw error;
          failed.push(failedAttemptOf(error, delay));
          hooks.onRetry?.(error, failedAttempts + rateLimited, delay);
          await sleep(delay, request.signal);
        }
      }
    },
  };
}

function failedAttemptOf(error: ProviderError, waitMs: number): FailedAttempt {
  const attempt: FailedAttempt = {
    error: error.message,
    kind: error.kind,
    waitMs: Math.round(waitMs),
  };
  if (error.status !== undefined) attempt.status = error.status;
  if (error.endpoint !== undefined) attempt.endpoint = error.endpoint;
  return attempt;
}

function attemptLimit(policy: RetryPolicy, error: ProviderError): number {
  return error.kind === "empty_response"
    ? Math.min(policy.maxAttempts, EMPTY_RESPONSE_ATTEMPTS)
    : policy.maxAttempts;
}

/**
 * The wait before the next attempt: full-jitter exponential backoff over the failures so far, or
 * the server's retry-after (with a little jitter, so waiting callers do not return in lockstep)
 * when that is longer. A retry-after never shortens the backoff.
 */
export function retryDelay(
  policy: RetryPolicy,
  failures: number,
  error: ProviderError,
  random: () => number,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failures - 1));
  const backoff = random() * ceiling;
  if (error.retryAfterMs === undefined) return backoff;
  return Math.min(policy.maxDelayMs, Math.max(backoff, error.retryAfterMs + random() * 250));
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
