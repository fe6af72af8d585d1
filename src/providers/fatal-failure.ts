import { FATAL_PROVIDER_ERROR_KINDS, ProviderError } from "./provider-error.ts";
import { BudgetExceededError } from "./spend-budget.ts";

/**
 * Whether a failure from any model (subject, judge or pressurer) stops the whole run: a provider
 * error no later call can fix (a wrong key, a missing model, a dead server), or a call the spend
 * budget refused. Neither is the trial's fault, so the trial stays pending for `candor resume`.
 */
export function stopsTheRun(error: unknown): error is ProviderError | BudgetExceededError {
  if (error instanceof BudgetExceededError) return true;
  return error instanceof ProviderError && FATAL_PROVIDER_ERROR_KINDS.has(error.kind);
}
