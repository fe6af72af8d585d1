import { createHash } from "node:crypto";

/**
 * A request's id inside a batch: a hash of the model spec, its endpoint and the exact body, so a
 * resumed run that sends the same request again recognises it in a batch submitted before. 64 hex
 * characters fit Anthropic's `^[a-zA-Z0-9_-]{1,64}$` and OpenAI's custom_id.
 */
export function customIdOf(spec: string, endpoint: string, body: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify([spec, endpoint, body]))
    .digest("hex");
}
