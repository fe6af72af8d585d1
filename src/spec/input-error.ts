/** Where bad input came from: a file and a field path in it, or a command-line option. */
export interface InputLocation {
  file?: string | undefined;
  field?: string | undefined;
}

/**
 * Bad input from the user: a file, a field, or a command-line value. The CLI prints the message
 * alone (no stack trace) and exits with code 2.
 */
export class InputError extends Error {
  override readonly name = "InputError";
  readonly file: string | undefined;
  readonly field: string | undefined;
  /** The problem alone, without the location. */
  readonly problem: string;

  constructor(message: string, options: InputLocation = {}) {
    super(formatInputError(message, options.file, options.field));
    this.problem = message;
    this.file = options.file;
    this.field = options.field;
  }
}

function formatInputError(message: string, file?: string, field?: string): string {
  const location = [file, field].filter((part) => part !== undefined && part !== "").join(": ");
  return location ? `${location}: ${message}` : message;
}

/** Renders a zod-style issue path (["steps", 3, "role"]) as `steps[3].role`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let rendered = "";
  for (const segment of path) {
    if (typeof segment === "number") rendered += `[${segment}]`;
    else rendered += rendered === "" ? String(segment) : `.${String(segment)}`;
  }
  return rendered;
}
