import type { GenerateRequest, GenerateResult, LanguageModel } from "../../spec/language-model.ts";
import { ProviderError } from "../provider-error.ts";
import type { RateGovernor } from "./rate-governor.ts";

/**
 * A call's tokens before it is sent: its messages at one token per three characters (English runs
 * nearer four, so this errs high, which is the safe side for a limit) plus every token it may
 * generate. The governor settles with the real usage afterwards.
 */
export function estimateTokens(request: GenerateRequest): number {
  const characters = request.messages.reduce((sum, message) => sum + message.content.length, 0);
  return Math.ceil(characters / 3) + request.maxTokens;
}

/**
 * Sends each call when the endpoint's rate governor admits it, teaches the governor from every
 * reply's rate-limit headers (successes and 429s), and removes those headers from the result so
 * that they never reach the run database.
 */
export function withRateGovernor(model: LanguageModel, governor: RateGovernor): LanguageModel {
  return {
    spec: model.spec,
    simulated: model.simulated,
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const estimate = estimateTokens(request);
      await governor.admit(estimate, request.signal);
      let result: GenerateResult;
      try {
        result = await model.generate(request);
      } catch (error) {
        // A failed call is taken to have used no tokens; a 429 also starts the shared cool-down.
        governor.settle(estimate, 0);
        if (error instanceof ProviderError) learnFromFailure(governor, error);
        throw error;
      }
      const { rateLimitHeaders, ...rest } = result;
      governor.settle(estimate, rest.usage.inputTokens + rest.usage.outputTokens);
      if (rateLimitHeaders) governor.observe(rateLimitHeaders, false);
      return rest;
    },
  };
}

function learnFromFailure(governor: RateGovernor, error: ProviderError): void {
  const rateLimited = error.kind === "rate_limit";
  if (rateLimited || error.rateLimitHeaders)
    governor.observe(error.rateLimitHeaders ?? {}, rateLimited, error.retryAfterMs);
}
