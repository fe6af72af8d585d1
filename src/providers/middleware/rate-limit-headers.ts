import { parseResetDuration } from "../provider-error.ts";

/** One limit as a provider states it: its size per minute, what is left now, when it is full. */
export interface StatedLimit {
  /** Requests (or tokens) per minute. */
  limit: number | undefined;
  remaining: number | undefined;
  /** Milliseconds until the limit is back to its full size. */
  resetMs: number | undefined;
}

/** What one reply's headers say about an endpoint's limits. */
export interface RateLimitObservation {
  requests: StatedLimit | undefined;
  tokens: StatedLimit | undefined;
  /** From `retry-after-ms` or `retry-after` (seconds or an HTTP date). */
  retryAfterMs: number | undefined;
}

/**
 * Reads OpenAI's `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` (resets as durations like
 * `6m0s`) and Anthropic's `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-
 * {limit,remaining,reset}` (resets as RFC 3339 times). Anthropic's combined token limit wins; when
 * only the input-token limit is stated it stands for all tokens, which is conservative because our
 * estimate of a call counts its output too.
 */
export function readRateLimitHeaders(
  headers: Readonly<Record<string, string>>,
  now: number,
): RateLimitObservation {
  return {
    requests: openAILimit(headers, "requests") ?? anthropicLimit(headers, "requests", now),
    tokens:
      openAILimit(headers, "tokens") ??
      anthropicLimit(headers, "tokens", now) ??
      anthropicLimit(headers, "input-tokens", now),
    retryAfterMs: retryAfter(headers, now),
  };
}

function openAILimit(
  headers: Readonly<Record<string, string>>,
  dimension: string,
): StatedLimit | undefined {
  const reset = headers[`x-ratelimit-reset-${dimension}`];
  return statedLimit(
    headers[`x-ratelimit-limit-${dimension}`],
    headers[`x-ratelimit-remaining-${dimension}`],
    reset === undefined ? undefined : parseResetDuration(reset),
  );
}

function anthropicLimit(
  headers: Readonly<Record<string, string>>,
  dimension: string,
  now: number,
): StatedLimit | undefined {
  const reset = headers[`anthropic-ratelimit-${dimension}-reset`];
  const at = reset === undefined ? Number.NaN : Date.parse(reset);
  return statedLimit(
    headers[`anthropic-ratelimit-${dimension}-limit`],
    headers[`anthropic-ratelimit-${dimension}-remaining`],
    Number.isFinite(at) ? Math.max(0, at - now) : undefined,
  );
}

function statedLimit(
  limit: string | undefined,
  remaining: string | undefined,
  resetMs: number | undefined,
): StatedLimit | undefined {
  const stated = {
    limit: positiveNumber(limit),
    remaining: nonNegativeNumber(remaining),
    resetMs,
  };
  const anything = Object.values(stated).some((value) => value !== undefined);
  return anything ? stated : undefined;
}

function retryAfter(headers: Readonly<Record<string, string>>, now: number): number | undefined {
  const milliseconds = nonNegativeNumber(headers["retry-after-ms"]);
  if (milliseconds !== undefined) return milliseconds;
  const text = headers["retry-after"];
  if (text === undefined) return undefined;
  const seconds = nonNegativeNumber(text);
  if (seconds !== undefined) return seconds * 1000;
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

function positiveNumber(text: string | undefined): number | undefined {
  const value = nonNegativeNumber(text);
  return value !== undefined && value > 0 ? value : undefined;
}

function nonNegativeNumber(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}
