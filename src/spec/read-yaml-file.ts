import { readFileSync, statSync } from "node:fs";
import { isMap, isSeq, parseDocument } from "yaml";
import { InputError } from "./input-error.ts";

/** Limits that keep a hostile or broken file from exhausting memory or the stack. */
export const YAML_LIMITS = {
  maxBytes: 1024 * 1024,
  maxDepth: 32,
  maxAliasCount: 50,
  /** Indentation no real file needs; deeper block nesting is refused before parsing. */
  maxIndent: 256,
} as const;

/** Reads one YAML file as untrusted input and returns its plain data, or throws an InputError. */
export function readYamlFile(file: string): unknown {
  const text = readTextFile(file);
  if (text.trim() === "") throw new InputError("the file is empty", { file });
  refuseAbsurdNesting(text, file);
  const document = parseYaml(text, file);
  const data = toPlainData(document, file);
  if (data === null || data === undefined) {
    throw new InputError("the file holds no data", { file });
  }
  return data;
}

function readTextFile(file: string): string {
  const stats = statOrThrow(file);
  if (stats.isDirectory()) throw new InputError("is a directory, expected a YAML file", { file });
  if (!stats.isFile()) throw new InputError("is not a regular file", { file });
  if (stats.size > YAML_LIMITS.maxBytes) {
    throw new InputError(`is ${stats.size} bytes; the limit is ${YAML_LIMITS.maxBytes}`, { file });
  }
  const bytes = readFileSync(file);
  if (looksLikeUtf16(bytes)) throw new InputError("is UTF-16 text; save it as UTF-8", { file });
  if (bytes.includes(0)) throw new InputError("is a binary file, expected YAML text", { file });
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new InputError("is not UTF-8 text, expected YAML", { file });
  }
}

/**
 * UTF-16 (what some Windows editors save): a byte-order mark, or text whose every other byte is
 * zero in the first few hundred bytes (ASCII written as UTF-16 without a mark).
 */
function looksLikeUtf16(bytes: Buffer): boolean {
  if (bytes.length < 2) return false;
  const [first, second] = [bytes[0], bytes[1]];
  if ((first === 0xff && second === 0xfe) || (first === 0xfe && second === 0xff)) return true;
  const sample = bytes.subarray(0, Math.min(bytes.length - (bytes.length % 2), 512));
  if (sample.length < 4) return false;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let index = 0; index < sample.length; index++) {
    if (sample[index] !== 0) continue;
    if (index % 2 === 0) evenZeros += 1;
    else oddZeros += 1;
  }
  const half = sample.length / 2;
  return (evenZeros >= half * 0.9 && oddZeros === 0) || (oddZeros >= half * 0.9 && evenZeros === 0);
}

function statOrThrow(file: string) {
  try {
    return statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT" ? "no such file" : `cannot be read (${code ?? "unknown error"})`;
    throw new InputError(reason, { file });
  }
}

function parseYaml(text: string, file: string) {
  let document: ReturnType<typeof parseDocument>;
  try {
    document = parseDocument(text, { uniqueKeys: true, prettyErrors: true, logLevel: "error" });
  } catch (error) {
    // The parser recurses; absurdly nested input can overflow the stack before it reports an error.
    throw new InputError(`is not valid YAML (${describeParserFailure(error)})`, { file });
  }
  const firstError = document.errors[0];
  if (firstError) {
    const line = firstError.linePos?.[0];
    const where = line ? ` at line ${line.line}, column ${line.col}` : "";
    // prettyErrors appends the position to the message; it is already in `where`.
    const problem = firstLine(firstError.message).replace(/ at line \d+, column \d+:?$/, "");
    const hint = line && /\{\{/.test(text.split("\n")[line.line - 1] ?? "") ? QUOTE_HINT : "";
    throw new InputError(`is not valid YAML${where}: ${problem}${hint}`, { file });
  }
  // An unknown tag (`!custom`, `!!js/function`) would otherwise be read silently as a string.
  const unknownTag = document.warnings.find((warning) => warning.code === "TAG_RESOLVE_FAILED");
  if (unknownTag) {
    const line = unknownTag.linePos?.[0];
    const where = line ? ` at line ${line.line}, column ${line.col}` : "";
    const tag = (/Unresolved tag: (\S+)/.exec(unknownTag.message)?.[1] ?? "?").replace(
      "tag:yaml.org,2002:",
      "!!",
    );
    throw new InputError(
      `uses the YAML tag ${tag}${where}, which candor does not read: remove the tag (plain YAML only)`,
      { file },
    );
  }
  if (nestingDepth(document.contents) > YAML_LIMITS.maxDepth) {
    throw new InputError(`nests deeper than ${YAML_LIMITS.maxDepth} levels`, { file });
  }
  refuseUnquotedPlaceholder(document, text, file);
  return document;
}

const QUOTE_HINT =
  '; a value that starts with a {{variable}} must be quoted, e.g. content: "{{name}} asks again"';

/**
 * Unquoted, `{{name}}` is YAML for a mapping inside a mapping, never what a scenario means; it
 * would surface later as "expected string, got object". Said here, where the cause is.
 */
function refuseUnquotedPlaceholder(
  document: ReturnType<typeof parseDocument>,
  text: string,
  file: string,
): void {
  const pending: unknown[] = [document.contents];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isMap(node)) {
      const [only] = node.items;
      if (node.flow && node.items.length === 1 && isMap(only?.key) && only.key.flow) {
        const offset = node.range?.[0] ?? 0;
        const line = text.slice(0, offset).split("\n").length;
        throw new InputError(
          `has an unquoted {{…}} at line ${line}, which YAML reads as a mapping, not text${QUOTE_HINT}`,
          { file },
        );
      }
      for (const item of node.items) pending.push(item.value);
    } else if (isSeq(node)) pending.push(...node.items);
  }
}

function toPlainData(document: ReturnType<typeof parseDocument>, file: string): unknown {
  try {
    return document.toJS({ maxAliasCount: YAML_LIMITS.maxAliasCount });
  } catch (error) {
    throw new InputError(`is not usable YAML (${describeParserFailure(error)})`, { file });
  }
}

function describeParserFailure(error: unknown): string {
  if (error instanceof RangeError) return "too deeply nested";
  const message = error instanceof Error ? error.message : String(error);
  if (/excessive alias count/i.test(message)) return "too many aliases: possible alias bomb";
  return firstLine(message);
}

/**
 * The YAML parser recurses once per level; thousands of levels overflow the stack and, repeated,
 * can abort V8 itself. So nesting is measured with a linear scan before the parser sees the text:
 * open flow brackets outside quotes, and indentation.
 */
function refuseAbsurdNesting(text: string, file: string): void {
  let depth = 0;
  let quote: string | null = null;
  let lineStart = true;
  let indent = 0;
  for (const character of text) {
    if (lineStart && character === " ") indent += 1;
    else lineStart = false;
    if (indent > YAML_LIMITS.maxIndent)
      throw new InputError(`is indented deeper than ${YAML_LIMITS.maxIndent} columns`, { file });
    if (character === "\n") {
      lineStart = true;
      indent = 0;
      quote = null;
    } else if (quote) {
      if (character === quote) quote = null;
    } else if (character === '"' || character === "'") quote = character;
    else if (character === "[" || character === "{") depth += 1;
    else if ((character === "]" || character === "}") && depth > 0) depth -= 1;
    if (depth > YAML_LIMITS.maxDepth)
      throw new InputError(`nests deeper than ${YAML_LIMITS.maxDepth} levels`, { file });
  }
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}

/** Depth of the node tree, walked iteratively so that depth itself cannot overflow the stack. */
function nestingDepth(root: unknown): number {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[root, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop() as [unknown, number];
    if (!isMap(node) && !isSeq(node)) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > YAML_LIMITS.maxDepth) return deepest;
    for (const item of node.items) {
      const child = isMap(node) ? (item as { value: unknown }).value : item;
      pending.push([child, depth + 1]);
    }
  }
  return deepest;
}
