import type { GenerateRequest, GenerateResult, LanguageModel } from "../../spec/language-model.ts";
import { costOf, type Price } from "../price-table.ts";
import type { SpendBudget } from "../spend-budget.ts";

/**
 * Tokens a chat template may add around one message (role markers, separators). OpenAI documents
 * 3–4 per message; Llama-style templates use up to about a dozen. 16 covers both.
 */
export const MESSAGE_OVERHEAD_TOKENS = 16;
/**
 * Tokens a provider adds for a structured-output call besides the schema itself: Anthropic's tool
 * use system prompt is documented at 313–346 tokens; 1024 leaves room.
 */
export const STRUCTURED_OUTPUT_OVERHEAD_TOKENS = 1024;

/**
 * A true upper bound on a request's prompt tokens. Byte-level tokenizers (OpenAI's tiktoken,
 * Anthropic's, Llama's and Qwen's BPE, SentencePiece with byte fallback) never make a token out of
 * less than one byte, so a text has at most as many tokens as UTF-8 bytes; templates add at most
 * MESSAGE_OVERHEAD_TOKENS per message, and a schema at most its bytes plus the tool overhead.
 */
export function promptTokenBound(request: GenerateRequest): number {
  let bound = MESSAGE_OVERHEAD_TOKENS;
  for (const message of request.messages)
    bound += Buffer.byteLength(message.content, "utf8") + MESSAGE_OVERHEAD_TOKENS;
  if (request.structuredOutput)
    bound +=
      Buffer.byteLength(JSON.stringify(request.structuredOutput), "utf8") +
      STRUCTURED_OUTPUT_OVERHEAD_TOKENS;
  return bound;
}

export interface BudgetOptions {
  /** The model's price (batch price when it batches); undefined when unknown. */
  price: Price | undefined;
  /** Output tokens a call may use beyond maxTokens (Anthropic's thinking budget). */
  extraOutputTokens?: number;
}

const NOTHING_BILLED = { inputTokens: 0, outputTokens: 0 };

/**
 * Reserves each call's worst-case cost (prompt bound + maxTokens at the model's price) before it
 * starts and settles at the reported usage after. Sits below the response cache, so cache hits
 * cost nothing, and above the retries, so one reservation covers every attempt. A call that could
 * pass the limit is never started: it waits for calls in flight to settle, and throws
 * BudgetExceededError when even then it could not fit.
 */
export function withBudget(
  model: LanguageModel,
  budget: SpendBudget,
  options: BudgetOptions,
): LanguageModel {
  const { price } = options;
  return {
    spec: model.spec,
    simulated: model.simulated,
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const worstCase = price
        ? costOf(price, {
            inputTokens: promptTokenBound(request),
            outputTokens: request.maxTokens + (options.extraOutputTokens ?? 0),
          })
        : 0;
      const reservation = await budget.reserve(model.spec, worstCase, request.signal);
      try {
        const result = await model.generate(request);
        // A reply shared with another call in flight (a batch twin) was paid for by that call.
        const billed = result.metadata?.cached === true ? NOTHING_BILLED : result.usage;
        budget.settle(reservation, model.spec, price ? costOf(price, billed) : null, billed);
        return result;
      } finally {
        // A failed call is taken as unbilled: providers do not charge for errors they return.
        budget.release(reservation);
      }
    },
  };
}
