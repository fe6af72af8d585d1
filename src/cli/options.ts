import { InvalidArgumentError } from "commander";

export const DEFAULT_RUNS_DIR = process.env.CANDOR_RUNS_DIR ?? "runs";

/** Collects a repeatable option (`--subject A --subject B`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError("expected a whole number");
  return Number(value);
}
