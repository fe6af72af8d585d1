import { expect } from "vitest";
import { ProviderError } from "../../src/providers/provider-error.ts";
import type { RunningStub } from "./stub-http-server.ts";

/** Awaits a call that must fail with a ProviderError naming the model spec and never the key. */
export async function expectProviderFailure(
  promise: Promise<unknown>,
  spec: string,
  key: string,
): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProviderError);
  const providerError = error as ProviderError;
  expect(providerError.message).toContain(spec);
  expect(`${providerError.message} ${String(providerError.cause)}`).not.toContain(key);
  return providerError;
}

/** The JSON body of the stub's index-th request. */
export function requestBody(stub: RunningStub, index = 0): Record<string, unknown> {
  return stub.requests[index]?.body as Record<string, unknown>;
}
