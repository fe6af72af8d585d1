/** `{{ name }}` placeholders in scenario texts; names are letters, digits, `_` and `-`. */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}/g;

export type TemplateVariables = Readonly<Record<string, string>>;

/** Names used by a text, in order of first use. */
export function templateVariableNames(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] as string))];
}

/** Names a text uses that the variables do not define. */
export function unresolvedVariables(text: string, variables: TemplateVariables): string[] {
  return templateVariableNames(text).filter((name) => !Object.hasOwn(variables, name));
}

/** No rendered text may grow past this: a few kilobytes of variables must not expand to gigabytes. */
export const MAX_RENDERED_LENGTH = 200_000;

export class TemplateExpansionError extends Error {
  override readonly name = "TemplateExpansionError";
}

/**
 * Fills every placeholder. Variables may themselves use placeholders (a level's text can refer to
 * a scenario variable), so rendering repeats until nothing changes, a bounded number of times,
 * and stops with a TemplateExpansionError when the text outgrows MAX_RENDERED_LENGTH.
 */
export function renderTemplate(text: string, variables: TemplateVariables): string {
  let rendered = text;
  for (let round = 0; round < 5; round++) {
    let length = rendered.length;
    const next = rendered.replace(PLACEHOLDER, (whole, name: string) => {
      if (!Object.hasOwn(variables, name)) return whole;
      const value = variables[name] as string;
      length += value.length - whole.length;
      if (length > MAX_RENDERED_LENGTH) {
        throw new TemplateExpansionError(`expands to more than ${MAX_RENDERED_LENGTH} characters`);
      }
      return value;
    });
    if (next === rendered) return next;
    rendered = next;
  }
  return rendered;
}
