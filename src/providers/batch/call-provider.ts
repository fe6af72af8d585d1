import { kindFromStatus, ProviderError } from "../provider-error.ts";
import {
  CallDeadline,
  type CallIdentity,
  providerFailure,
  redact,
  type SdkFailure,
} from "../sdk-failure.ts";

/**
 * One call to a batch endpoint (upload, create, status, results) under the model's time limit, its
 * SDK failure mapped to a ProviderError the way the synchronous providers map theirs.
 */
export async function callProvider<Result>(
  call: CallIdentity,
  describe: (error: unknown) => SdkFailure | undefined,
  work: (signal: AbortSignal) => Promise<Result>,
): Promise<Result> {
  const deadline = new CallDeadline(call.timeoutMs, undefined);
  try {
    return await work(deadline.signal);
  } catch (error) {
    throw providerFailure(error, describe(error), deadline, call);
  } finally {
    deadline.dispose();
  }
}

/** A request the batch answered with an error: retried next round when the kind allows. */
export function itemFailure(
  call: CallIdentity,
  detail: { status?: number | undefined; type?: string | undefined; message?: string | undefined },
): ProviderError {
  const kind =
    detail.status !== undefined ? kindFromStatus(detail.status) : kindOfType(detail.type);
  const status = detail.status !== undefined ? ` HTTP ${detail.status}` : "";
  const type = detail.type ? ` ${detail.type}` : "";
  const message = redact(
    `${call.spec}: batch request failed:${status}${type}${detail.message ? `: ${detail.message}` : ""}`,
    call,
  );
  return new ProviderError(message, {
    kind,
    ...(detail.status !== undefined ? { status: detail.status } : {}),
  });
}

/** Kinds of the error types batches report without a status (Anthropic's, OpenAI's codes). */
function kindOfType(type: string | undefined): ProviderError["kind"] {
  switch (type) {
    case "invalid_request_error":
    case "invalid_request":
      return "bad_request";
    case "authentication_error":
      return "authentication";
    case "permission_error":
      return "permission";
    case "not_found_error":
      return "not_found";
    case "rate_limit_error":
      return "rate_limit";
    default:
      // api_error, overloaded_error, batch_expired, canceled, expired: another round may succeed.
      return "server";
  }
}
