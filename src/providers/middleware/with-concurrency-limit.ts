import type { GenerateRequest, GenerateResult, LanguageModel } from "../../spec/language-model.ts";
import { ProviderError } from "../provider-error.ts";
import type { AdaptiveConcurrency, Semaphore } from "./adaptive-concurrency.ts";

/**
 * Holds a slot of the provider's adaptive limit and of the global limit for each attempt only,
 * so a call waiting out a retry-after does not block others.
 */
export function withConcurrencyLimit(
  model: LanguageModel,
  providerLimit: AdaptiveConcurrency,
  globalLimit?: Semaphore,
): LanguageModel {
  return {
    spec: model.spec,
    simulated: model.simulated,
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      await providerLimit.acquire();
      let outcome: "success" | "rate_limited" | "failure" = "failure";
      try {
        await globalLimit?.acquire();
        try {
          const result = await model.generate(request);
          outcome = "success";
          return result;
        } catch (error) {
          if (error instanceof ProviderError && error.kind === "rate_limit")
            outcome = "rate_limited";
          throw error;
        } finally {
          globalLimit?.release("success");
        }
      } finally {
        providerLimit.release(outcome);
      }
    },
  };
}
