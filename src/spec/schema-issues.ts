import type { z } from "zod";
import { formatFieldPath, InputError } from "./input-error.ts";

/** Turns the first zod issue into an InputError that names the file and the field. */
export function parseWithSchema<Schema extends z.ZodType>(
  schema: Schema,
  data: unknown,
  file: string,
): z.output<Schema> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const [first, ...rest] = result.error.issues;
  if (!first) throw new InputError("does not match the schema", { file });
  const more =
    rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? "s" : ""})` : "";
  const { path, message } = describeIssue(first);
  throw new InputError(`${message}${more}`, {
    file,
    field: formatFieldPath(path) || "(top level)",
  });
}

type Issue = z.core.$ZodIssue;

function describeIssue(issue: Issue): { path: PropertyKey[]; message: string } {
  const path = [...issue.path];
  switch (issue.code) {
    case "unrecognized_keys":
      return { path: [...path, issue.keys[0] ?? "?"], message: "unknown field" };
    case "invalid_value":
      return { path, message: `expected one of ${issue.values.map(String).join(", ")}` };
    case "invalid_union": {
      const options = (issue as { options?: unknown[] }).options;
      if (options) return { path, message: `expected one of ${options.map(String).join(", ")}` };
      return { path, message: "does not match any allowed form" };
    }
    case "invalid_type":
      return { path, message: describeTypeIssue(issue) };
    default:
      return { path, message: issue.message };
  }
}

function describeTypeIssue(issue: Extract<Issue, { code: "invalid_type" }>): string {
  const received = /received (\w+)/.exec(issue.message)?.[1];
  if (received === "undefined") return "is required";
  return `expected ${issue.expected}${received ? `, got ${received}` : ""}`;
}
