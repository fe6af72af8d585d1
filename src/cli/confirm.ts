import { createInterface } from "node:readline/promises";
import { InputError } from "../spec/input-error.ts";

/**
 * Asks a yes/no question on a terminal; elsewhere (scripts, CI) nothing is asked and the command
 * needs --yes, so that nothing destructive happens without an answer.
 */
export async function confirmOrRefuse(question: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY)
    throw new InputError(`${question} Pass --yes to go ahead (nothing was changed).`, {
      field: "--yes",
    });
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await prompt.question(`${question} [y/N] `);
  prompt.close();
  if (!/^y(es)?$/i.test(answer.trim()))
    throw new InputError("not confirmed; nothing was changed", { field: "--yes" });
}
