import type { WireExchange } from "../spec/model-call.ts";

/**
 * A call's request and response bodies for the run's record, with every secret the call knows of
 * replaced (a server could echo a key back). Headers are never part of it. Values under 8
 * characters are placeholders (`ollama`, `none`), not keys, as `redact` treats them.
 */
export function wireExchange(
  request: unknown,
  response: unknown,
  secrets: readonly string[],
): WireExchange {
  const kept = secrets.filter((secret) => secret.length >= 8);
  return { request: withoutSecrets(request, kept), response: withoutSecrets(response, kept) };
}

/**
 * The value itself when no secret occurs in it (the common case, and a copy of every body at
 * thousands of calls is measurable); otherwise a copy with each secret replaced. Either way the
 * record stores it as JSON, so the SDKs' non-JSON helpers never reach it.
 */
function withoutSecrets(value: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return value;
  const text = JSON.stringify(value) ?? "";
  return secrets.some((secret) => text.includes(secret)) ? scrubbed(value, secrets) : value;
}

function scrubbed(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === "string") {
    let text = value;
    for (const secret of secrets)
      if (text.includes(secret)) text = text.split(secret).join("[redacted]");
    return text;
  }
  if (Array.isArray(value)) return value.map((item) => scrubbed(item, secrets));
  if (typeof value === "object" && value !== null) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // The SDKs attach non-JSON helpers (`_request_id` is kept in metadata already).
      if (typeof item === "function" || item === undefined) continue;
      copy[key] = scrubbed(item, secrets);
    }
    return copy;
  }
  return value;
}
