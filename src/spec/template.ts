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

/**
 * Fills every placeholder. Variables may themselves use placeholders (a level's text can refer to
 * a scenario variable), so rendering repeats until nothing changes, a bounded number of times.
 */
export function renderTemplate(text: string, variables: TemplateVariables): string {
  let rendered = text;
  for (let round = 0; round < 5; round++) {
    const next = rendered.replace(PLACEHOLDER, (whole, name: string) =>
      Object.hasOwn(variables, name) ? (variables[name] as string) : whole,
    );
    if (next === rendered) return next;
    rendered = next;
  }
  return rendered;
}
