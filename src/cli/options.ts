import { type Stats, statSync } from "node:fs";
import { InvalidArgumentError } from "commander";
import { modelSettingsSchema } from "../spec/experiment.ts";

export const DEFAULT_RUNS_DIR = process.env.CANDOR_RUNS_DIR ?? "runs";

/** Collects a repeatable option (`--subject A --subject B`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError("expected a whole number");
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new InvalidArgumentError("is too large");
  return number;
}

/** `--max-concurrency`: checked as the file's `max_concurrency` is (0 is not "no limit"). */
export function concurrencyLimit(value: string): number {
  return checkedAs(modelSettingsSchema.shape.max_concurrency, wholeNumber(value));
}

/** `--base-url`: checked as the file's `base_url` is (an http:// or https:// URL). */
export function baseUrl(value: string): string {
  return checkedAs(modelSettingsSchema.shape.base_url, value) as string;
}

function checkedAs<Value>(
  schema: {
    safeParse(value: unknown): { success: boolean; error?: { issues: Array<{ message: string }> } };
  },
  value: Value,
): Value {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InvalidArgumentError(result.error?.issues[0]?.message ?? "is not allowed");
  }
  return value;
}

/**
 * Fills gaps in the environment from a `.env` file in the working directory. Anything there that
 * is not a regular file (a directory, say) is ignored with a warning: a run that needs no keys
 * must not fail over it, and one that does says which key is missing.
 */
export function loadDotEnv(file = ".env"): void {
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch {
    return;
  }
  if (!stats.isFile()) {
    process.stderr.write(`candor: warning: ${file} is not a regular file; ignored\n`);
    return;
  }
  process.loadEnvFile(file);
}
