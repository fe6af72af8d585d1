import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { ModelSettings } from "../spec/experiment.ts";
import { readYamlFile } from "../spec/read-yaml-file.ts";
import { parseWithSchema } from "../spec/schema-issues.ts";

export interface Price {
  inputPerMillion: number;
  outputPerMillion: number;
}

const PRICE_FILE = resolve(dirname(fileURLToPath(import.meta.url)), "../../profiles/prices.yaml");
const FREE_PROVIDERS = ["sim", "ollama", "gguf"];
const priceTable = z.record(
  z.string(),
  z.strictObject({ input_per_million: z.number().min(0), output_per_million: z.number().min(0) }),
);

let bundled: z.output<typeof priceTable> | undefined;

/** The price of a model: the experiment's own setting, else the bundled table, else unknown. */
export function priceOf(spec: string, settings?: ModelSettings): Price | undefined {
  const configured = settings?.price;
  if (configured)
    return {
      inputPerMillion: configured.input_per_million,
      outputPerMillion: configured.output_per_million,
    };
  if (FREE_PROVIDERS.some((provider) => spec.startsWith(`${provider}:`)))
    return { inputPerMillion: 0, outputPerMillion: 0 };
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
