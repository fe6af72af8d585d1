import { factorCombinations, variablesFor } from "../spec/factor-combinations.ts";
import type { ScenarioSpec } from "../spec/scenario.ts";
import { renderTemplate } from "../spec/template.ts";

/**
 * Two texts whose normalized word sets overlap this much (Jaccard: shared words over all words)
 * are near-duplicates. Measured on the bundled library (12 scenarios, 66 pairs): distinct
 * scenarios overlap at most 0.22 on system prompts and 0.09 on harmful requests; a draft that
 * copies a scenario and rewords a few phrases stays far above the threshold.
 */
export const NEAR_DUPLICATE_THRESHOLD = 0.5;

/** Words that carry no setting: dropped before comparing. */
const FUNCTION_WORDS = new Set(
  "a an and are as at be but by for from has have he her his i if in is it its me my not of on or our she so that the their them they this to was we were what when which who will with you your".split(
    " ",
  ),
);

/** Lower-case words and numbers, placeholders and function words removed. */
export function wordSet(text: string): Set<string> {
  const words = text
    .toLowerCase()
    .replace(/\{\{[^}]*\}\}/g, " ")
    .match(/[\p{L}\p{N}]+/gu);
  return new Set((words ?? []).filter((word) => !FUNCTION_WORDS.has(word)));
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared += 1;
  return shared / (a.size + b.size - shared);
}

/**
 * The texts a near-duplicate is judged on: the system prompt and the harmful request, filled in
 * at the first combination of levels (most requests live in level variables).
 */
export function comparedTexts(scenario: ScenarioSpec): { systemPrompt: string; request: string } {
  const variables = variablesFor(scenario, factorCombinations(scenario)[0] ?? {});
  const render = (text: string) => renderTemplate(text, variables);
  const request = scenario.steps
    .flatMap((step) => (step.role === "user" && step.harmful ? [render(step.content)] : []))
    .join("\n");
  return { systemPrompt: render(scenario.system_prompt), request };
}

export interface NearDuplicate {
  /** The id of the scenario it is near. */
  of: string;
  field: "system_prompt" | "harmful_request";
  similarity: number;
}

/** The first library scenario whose system prompt or harmful request is near this one's. */
export function findNearDuplicate(
  scenario: ScenarioSpec,
  library: readonly ScenarioSpec[],
): NearDuplicate | undefined {
  const own = comparedTexts(scenario);
  const ownWords = { systemPrompt: wordSet(own.systemPrompt), request: wordSet(own.request) };
  for (const other of library) {
    const texts = comparedTexts(other);
    const system = jaccard(ownWords.systemPrompt, wordSet(texts.systemPrompt));
    if (system >= NEAR_DUPLICATE_THRESHOLD)
      return { of: other.id, field: "system_prompt", similarity: system };
    if (own.request === "" || texts.request === "") continue;
    const request = jaccard(ownWords.request, wordSet(texts.request));
    if (request >= NEAR_DUPLICATE_THRESHOLD)
      return { of: other.id, field: "harmful_request", similarity: request };
  }
  return undefined;
}
