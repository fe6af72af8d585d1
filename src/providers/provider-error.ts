/** Why a provider call failed, in terms the retry layer can act on. */
export type ProviderErrorKind =
  | "rate_limit"
  | "server"
  | "timeout"
  | "connection"
  | "bad_request"
  | "authentication"
  | "permission"
  | "not_found"
  | "context_length"
  | "malformed_response"
  /** A well-formed reply without any text: retried a few times, then the call fails. */
  | "empty_response"
  /** Every endpoint of the model refused its first connections and never answered: never retried. */
  | "unreachable";

const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set([
  "rate_limit",
  "server",
  "timeout",
  "connection",
  "empty_response",
]);

/** Kinds that no later call can fix (a wrong key, a missing model, a dead server): runs stop on them. */
export const FATAL_PROVIDER_ERROR_KINDS: ReadonlySet<ProviderErrorKind> = new Set([
  "authentication",
  "permission",
  "not_found",
  "unreachable",
]);

/** Attempts in all for an empty reply: a server that keeps answering nothing is not waited out. */
export const EMPTY_RESPONSE_ATTEMPTS = 3;

/**
 * A failed model call. Providers map their SDK's errors to this; exactly one layer (the retry
 * middleware) decides whether to try again. The message names the model spec, never a key.
 */
export class ProviderError extends Error {
  override readonly name = "ProviderError";
  readonly kind: ProviderErrorKind;
  readonly status: number | undefined;
  /** From `retry-after`, `retry-after-ms` or `x-ratelimit-reset-*` headers, when present. */
  readonly retryAfterMs: number | undefined;
  /** The rate-limit headers of the reply (a 429's), for the rate governor; never anything else. */
  readonly rateLimitHeaders: Readonly<Record<string, string>> | undefined;
  /** The base URL that failed, set by the endpoint layer (for per-endpoint figures). */
  endpoint: string | undefined;

  constructor(
    message: string,
    options: {
      kind: ProviderErrorKind;
      status?: number;
      retryAfterMs?: number;
      rateLimitHeaders?: Readonly<Record<string, string>>;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause });
    this.kind = options.kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.rateLimitHeaders = options.rateLimitHeaders;
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

/** The kind an HTTP status means: 408, 409, 429 and 5xx are worth retrying; 4xx are not. */
export function kindFromStatus(status: number): ProviderErrorKind {
  if (status === 429) return "rate_limit";
  if (status === 408) return "timeout";
  if (status === 409 || status >= 500) return "server";
  if (status === 401) return "authentication";
  if (status === 403) return "permission";
  if (status === 404) return "not_found";
  return "bad_request";
}

/** Milliseconds to wait from rate-limit headers (names lower-case), or undefined. */
export function retryAfterFromHeaders(
  headers: Readonly<Record<string, string | undefined>>,
): number | undefined {
  const milliseconds = Number(headers["retry-after-ms"]);
  if (headers["retry-after-ms"] !== undefined && Number.isFinite(milliseconds))
    return Math.max(0, milliseconds);
  const retryAfter = headers["retry-after"];
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  }
  const reset = headers["x-ratelimit-reset-requests"] ?? headers["x-ratelimit-reset-tokens"];
  return reset === undefined ? undefined : parseResetDuration(reset);
}

const RATE_LIMIT_HEADER = /^(x-ratelimit-|anthropic-ratelimit-|retry-after$|retry-after-ms$)/;

/**
 * Only the rate-limit headers of a reply (lower-case names), or undefined when there are none:
 * what providers hand back to the rate governor. Nothing else of a response passes.
 */
export function rateLimitHeadersOf(
  headers: Readonly<Record<string, string | undefined>>,
): Record<string, string> | undefined {
  const picked: Record<string, string> = {};
  let found = false;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || !RATE_LIMIT_HEADER.test(name)) continue;
    picked[name] = value;
    found = true;
  }
  return found ? picked : undefined;
}

/** OpenAI-style reset durations: `1s`, `6m0s`, `250ms`, `1h2m3.5s`. */
export function parseResetDuration(text: string): number | undefined {
  const pattern = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  const factors: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  let matched = false;
  for (const match of text.matchAll(pattern)) {
    matched = true;
    total += Number(match[1]) * (factors[match[2] as string] ?? 0);
  }
  return matched ? total : undefined;
}
