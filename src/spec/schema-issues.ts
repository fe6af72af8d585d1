import * as z from "zod";
import { formatFieldPath, InputError } from "./input-error.ts";

/** Problems listed for one file; the rest are counted. Enough to fix a file in one pass. */
export const MAX_LISTED_PROBLEMS = 20;

/**
 * Parses with a zod schema; on failure throws an InputError naming the file and the first
 * problem's field, whose message lists every problem (up to MAX_LISTED_PROBLEMS, one a line).
 */
export function parseWithSchema<Schema extends z.ZodType>(
  schema: Schema,
  data: unknown,
  file: string,
  explainUnknownField?: UnknownFieldHint,
): z.output<Schema> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) =>
    describeIssue(issue, schema, explainUnknownField),
  );
  const [first, ...rest] = problems;
  if (!first) throw new InputError("does not match the schema", { file });
  const listed = rest.slice(0, MAX_LISTED_PROBLEMS - 1).map((problem) => {
    const location = new InputError(problem.message, { file, field: fieldOf(problem.path) });
    return `\n${location.message}`;
  });
  const unlisted = rest.length - listed.length;
  const more = unlisted > 0 ? `\n(and ${unlisted} more problem${unlisted > 1 ? "s" : ""})` : "";
  throw new InputError(`${first.message}${listed.join("")}${more}`, {
    file,
    field: fieldOf(first.path),
  });
}

function fieldOf(path: readonly PropertyKey[]): string {
  return formatFieldPath(path) || "(top level)";
}

type Issue = z.core.$ZodIssue;

interface Problem {
  path: PropertyKey[];
  message: string;
}

/** A better message for a field the schema knows, but not at this place. */
export type UnknownFieldHint = (
  path: readonly PropertyKey[],
  key: PropertyKey,
) => string | undefined;

function describeIssue(issue: Issue, schema: z.ZodType, hint?: UnknownFieldHint): Problem[] {
  const path = [...issue.path];
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => ({
        path: [...path, key],
        message: hint?.(path, key) ?? `unknown field${suggestion(key, knownFields(schema))}`,
      }));
    case "invalid_value":
      return [{ path, message: `expected one of ${issue.values.map(String).join(", ")}` }];
    case "invalid_union": {
      const options = (issue as { options?: unknown[] }).options;
      if (options) return [{ path, message: `expected one of ${options.map(String).join(", ")}` }];
      const closest = closestBranch(issue);
      if (closest) {
        return closest.flatMap((inner) =>
          describeIssue({ ...inner, path: [...path, ...inner.path] } as Issue, schema, hint),
        );
      }
      return [{ path, message: "does not match any allowed form" }];
    }
    case "invalid_type":
      return [{ path, message: describeTypeIssue(issue) }];
    default:
      return [{ path, message: issue.message }];
  }
}

/**
 * The one form of a union whose type the value has (an object where an id or an object is
 * allowed), so its own problems are reported instead of "does not match any allowed form".
 */
function closestBranch(issue: Issue): Issue[] | undefined {
  const branches = (issue as { errors?: Issue[][] }).errors ?? [];
  const sameType = branches.filter(
    (issues) => !issues.some((inner) => inner.code === "invalid_type" && inner.path.length === 0),
  );
  return sameType.length === 1 ? sameType[0] : undefined;
}

function describeTypeIssue(issue: Extract<Issue, { code: "invalid_type" }>): string {
  const received = /received (\w+)/.exec(issue.message)?.[1];
  if (received === "undefined") return "is required";
  return `expected ${issue.expected}${received ? `, got ${received}` : ""}`;
}

const fieldNames = new WeakMap<z.ZodType, string[]>();

/** Every field name the schema declares anywhere (for "did you mean"). */
function knownFields(schema: z.ZodType): string[] {
  const cached = fieldNames.get(schema);
  if (cached) return cached;
  const names = new Set<string>();
  const pending: unknown[] = [
    z.toJSONSchema(schema, { io: "input", unrepresentable: "any", cycles: "ref" }),
  ];
  while (pending.length > 0) {
    const node = pending.pop();
    if (Array.isArray(node)) pending.push(...node);
    else if (node && typeof node === "object") {
      const properties = (node as { properties?: unknown }).properties;
      if (properties && typeof properties === "object") {
        for (const name of Object.keys(properties)) names.add(name);
      }
      pending.push(...Object.values(node));
    }
  }
  const list = [...names];
  fieldNames.set(schema, list);
  return list;
}

/** `; did you mean "temperature"?` for a key within a small edit distance of a known one. */
function suggestion(key: PropertyKey, known: readonly string[]): string {
  if (typeof key !== "string" || key.length > 64) return "";
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  const allowed = Math.max(1, Math.floor(key.length / 3));
  return best && best.distance <= allowed && best.name !== key
    ? `; did you mean "${best.name}"?`
    : "";
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        substitution,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}
