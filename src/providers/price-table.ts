import * as z from "zod";
import type { ModelSettings } from "../spec/experiment.ts";
import { packageFile } from "../spec/package-files.ts";
import { readYamlFile } from "../spec/read-yaml-file.ts";
import { parseWithSchema } from "../spec/schema-issues.ts";
import type { JudgeUsage } from "../spec/verdict.ts";

export interface Price {
  inputPerMillion: number;
  outputPerMillion: number;
}

const PRICE_FILE = packageFile("profiles", "prices.yaml");
const FREE_PROVIDERS = ["sim", "ollama", "gguf"];
const priceTable = z.record(
  z.string(),
  z.strictObject({ input_per_million: z.number().min(0), output_per_million: z.number().min(0) }),
);

let bundled: z.output<typeof priceTable> | undefined;

/**
 * Batch calls cost half: OpenAI's Batch API is billed at "50% of the standard price"
 * (https://platform.openai.com/docs/guides/batch) and Anthropic's Message Batches "at 50% of
 * standard API prices" (https://docs.anthropic.com/en/docs/build-with-claude/batch-processing).
 */
export const BATCH_PRICE_FACTOR = 0.5;

/**
 * The price of a model: the experiment's own setting, else the bundled table, else unknown; at
 * the batch price when the model's calls go through its provider's batch API.
 */
export function priceOf(spec: string, settings?: ModelSettings): Price | undefined {
  const price = standardPriceOf(spec, settings);
  if (!price || settings?.batch !== true) return price;
  return batchPriceOf(price);
}

export interface BilledTokens {
  inputTokens: number;
  outputTokens: number;
}

const NO_TOKENS: BilledTokens = { inputTokens: 0, outputTokens: 0 };

/**
 * What billed tokens cost as they were served: `batched` of them (a batch API served those calls)
 * at the batch price, the rest at `price`, the standard price.
 */
export function servedCost(price: Price, billed: BilledTokens, batched = NO_TOKENS): number {
  const direct = {
    inputTokens: billed.inputTokens - batched.inputTokens,
    outputTokens: billed.outputTokens - batched.outputTokens,
  };
  return costOf(price, direct) + costOf(batchPriceOf(price), batched);
}

/**
 * What a model turn cost: nothing when the cache answered it, its tokens at the batch price when a
 * batch API served it, else at `price`; null when the price is unknown.
 */
export function turnCost(
  price: Price | undefined,
  response: { usage: BilledTokens; metadata?: Readonly<Record<string, unknown>> | undefined },
): number | null {
  if (!price) return null;
  if (response.metadata?.cached === true) return 0;
  return servedCost(
    price,
    response.usage,
    response.metadata?.batch === true ? response.usage : NO_TOKENS,
  );
}

/**
 * Of billed tokens, those a batch API served, as counted; where they were not counted (a judge's
 * usage in runs made before), as those runs were reported: all of them when the experiment
 * batched the model, else none.
 */
export function batchedTokens(
  billed: BilledTokens,
  counted: { inputTokens?: number | null; outputTokens?: number | null },
  settings?: ModelSettings,
): BilledTokens {
  if (typeof counted.inputTokens === "number" && typeof counted.outputTokens === "number")
    return { inputTokens: counted.inputTokens, outputTokens: counted.outputTokens };
  return settings?.batch === true ? billed : NO_TOKENS;
}

/** Of a judge's billed tokens, those a batch API served (batchedTokens). */
export function judgeBatchedTokens(usage: JudgeUsage, settings?: ModelSettings): BilledTokens {
  const billed = { inputTokens: usage.billedInputTokens, outputTokens: usage.billedOutputTokens };
  const counted = {
    inputTokens: usage.batchedInputTokens,
    outputTokens: usage.batchedOutputTokens,
  };
  return batchedTokens(billed, counted, settings);
}

/** A model's price for calls served by its provider's batch API. */
export function batchPriceOf(price: Price): Price {
  return {
    inputPerMillion: price.inputPerMillion * BATCH_PRICE_FACTOR,
    outputPerMillion: price.outputPerMillion * BATCH_PRICE_FACTOR,
  };
}

/** Local and simulated models cost nothing. */
export function isFreeModel(spec: string): boolean {
  return FREE_PROVIDERS.some((provider) => spec.startsWith(`${provider}:`));
}

/** The experiment's own price, else the bundled table's, else unknown: never the batch price. */
export function standardPriceOf(spec: string, settings?: ModelSettings): Price | undefined {
  const configured = settings?.price;
  if (configured)
    return {
      inputPerMillion: configured.input_per_million,
      outputPerMillion: configured.output_per_million,
    };
  if (isFreeModel(spec)) return { inputPerMillion: 0, outputPerMillion: 0 };
  bundled ??= parseWithSchema(priceTable, readYamlFile(PRICE_FILE), PRICE_FILE);
  const listed = bundled[spec];
  return listed
    ? { inputPerMillion: listed.input_per_million, outputPerMillion: listed.output_per_million }
    : undefined;
}

export function costOf(price: Price, usage: { inputTokens: number; outputTokens: number }): number {
  return (
    (usage.inputTokens * price.inputPerMillion + usage.outputTokens * price.outputPerMillion) /
    1_000_000
  );
}
