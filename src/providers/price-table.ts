import * as z from "zod";
import type { ModelSettings } from "../spec/experiment.ts";
import { packageFile } from "../spec/package-files.ts";
import { readYamlFile } from "../spec/read-yaml-file.ts";
import { parseWithSchema } from "../spec/schema-issues.ts";

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
