/**
 * How a call record keeps its texts small: every long string goes to the run's deduplicated
 * `texts` table, cut at the places where a text the trial already stored (a turn, a reasoning, an
 * output) occurs in it. A judge's prompt then costs a short list of ids: its fixed header and
 * instructions are stored once per run, the transcript it quotes is the trial's own turns. Large
 * JSON parts without long strings (a judge's response schema) are stored once as a whole, and a
 * body's copy of the call's messages is a reference to them.
 */
import type { ChatMessage } from "../spec/language-model.ts";

/** A string as stored: itself when short, a text id, or its pieces (short literals and ids). */
export type StoredText = string | number | Array<string | number>;

export type TextId = (body: string) => number;

/** Strings this long or longer are stored in `texts`. */
export const LONG_STRING = 64;
/** JSON parts this long or longer, with no long string inside, are stored in `texts` whole. */
const LONG_JSON = 200;

export class TextEncoding {
  readonly #known: readonly string[];

  /** `known`: texts the trial already stored, which long strings are cut around. */
  constructor(
    private readonly textId: TextId,
    known: Iterable<string> = [],
  ) {
    this.#known = [...new Set(known)]
      .filter((text) => text.length >= LONG_STRING)
      .sort((a, b) => b.length - a.length);
  }

  text(value: string): StoredText {
    if (value.length < LONG_STRING) return value;
    const pieces = this.#cut(value);
    if (pieces.length === 1) return this.textId(value);
    return pieces.map((piece) => (piece.length >= LONG_STRING ? this.textId(piece) : piece));
  }

  /**
   * A JSON value with long strings as `{"$text": …}`, large parts as `{"$json": id}`, and an array
   * equal to `messages` (the call's own, as a body sends them) as `{"$messages": 1}`.
   */
  json(value: unknown, messages: readonly ChatMessage[] = []): unknown {
    return this.#json(value, messages.length > 0 ? messages : undefined);
  }

  // Linear in the value's size: only parts without a long string inside are ever stringified.
  #json(value: unknown, messages: readonly ChatMessage[] | undefined): unknown {
    if (typeof value === "string")
      return value.length >= LONG_STRING ? { $text: this.text(value) } : value;
    if (typeof value !== "object" || value === null) return value;
    if (messages && Array.isArray(value) && isSameMessages(value, messages))
      return { $messages: 1 };
    if (!hasLongString(value)) {
      const whole = JSON.stringify(value);
      if (whole.length >= LONG_JSON) return { $json: this.textId(whole) };
    }
    if (Array.isArray(value)) return value.map((item) => this.#json(item, messages));
    const encoded: Record<string, unknown> = {};
    // Keys of the original starting with `$` get one more, so they never read as a reference.
    for (const [key, item] of Object.entries(value))
      encoded[key.startsWith("$") ? `$${key}` : key] = this.#json(item, messages);
    return encoded;
  }

  /** The string cut at each occurrence of a known text, longest known texts first. */
  #cut(value: string): string[] {
    let pieces = [value];
    for (const known of this.#known) {
      if (!value.includes(known)) continue;
      pieces = pieces.flatMap((piece) =>
        piece.length <= known.length ? [piece] : splitKeeping(piece, known),
      );
    }
    return pieces.filter((piece) => piece !== "");
  }
}

function splitKeeping(text: string, separator: string): string[] {
  const parts = text.split(separator);
  return parts.flatMap((part, index) => (index === 0 ? [part] : [separator, part]));
}

/** Whether `value` is the call's messages exactly as a body sends them: `{role, content}` each. */
function isSameMessages(value: readonly unknown[], messages: readonly ChatMessage[]): boolean {
  return (
    value.length === messages.length &&
    value.every((item, index) => {
      if (typeof item !== "object" || item === null) return false;
      const keys = Object.keys(item);
      const message = messages[index] as ChatMessage;
      const { role, content } = item as Record<string, unknown>;
      return (
        keys.length === 2 &&
        keys[0] === "role" &&
        keys[1] === "content" &&
        role === message.role &&
        content === message.content
      );
    })
  );
}

function hasLongString(value: unknown): boolean {
  if (typeof value === "string") return value.length >= LONG_STRING;
  if (typeof value !== "object" || value === null) return false;
  return Object.values(value).some(hasLongString);
}

/** Reads stored texts back, given the bodies of the ids they use. */
export class TextDecoding {
  constructor(private readonly body: (id: number) => string) {}

  text(stored: StoredText): string {
    if (typeof stored === "string") return stored;
    if (typeof stored === "number") return this.body(stored);
    return stored.map((piece) => (typeof piece === "number" ? this.body(piece) : piece)).join("");
  }

  /** `messages`: the call's own, which `{"$messages": 1}` stands for. */
  json(value: unknown, messages: readonly ChatMessage[] = []): unknown {
    if (Array.isArray(value)) return value.map((item) => this.json(item, messages));
    if (typeof value !== "object" || value === null) return value;
    const record = value as Record<string, unknown>;
    const reference = referenceOf(record);
    if (reference?.kind === "$text") return this.text(reference.stored);
    if (reference?.kind === "$json") return JSON.parse(this.body(reference.stored as number));
    if (reference?.kind === "$messages")
      return messages.map(({ role, content }) => ({ role, content }));
    const decoded: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(record))
      decoded[key.startsWith("$") ? key.slice(1) : key] = this.json(item, messages);
    return decoded;
  }
}

const REFERENCE_KINDS = ["$text", "$json", "$messages"] as const;

function referenceOf(
  record: Record<string, unknown>,
): { kind: (typeof REFERENCE_KINDS)[number]; stored: StoredText } | undefined {
  const keys = Object.keys(record);
  const kind = REFERENCE_KINDS.find((each) => each === keys[0]);
  if (keys.length !== 1 || kind === undefined) return undefined;
  return { kind, stored: record[kind] as StoredText };
}

/** The text ids a stored text uses. */
export function textIdsOfText(stored: StoredText): number[] {
  if (typeof stored === "number") return [stored];
  if (typeof stored === "string") return [];
  return stored.filter((piece): piece is number => typeof piece === "number");
}

/** The text ids a stored JSON value uses, so that they are read in one query. */
export function textIdsOfJson(value: unknown): number[] {
  if (Array.isArray(value)) return value.flatMap(textIdsOfJson);
  if (typeof value !== "object" || value === null) return [];
  const record = value as Record<string, unknown>;
  const reference = referenceOf(record);
  if (reference?.kind === "$text") return textIdsOfText(reference.stored);
  if (reference?.kind === "$json") return [reference.stored as number];
  if (reference) return [];
  return Object.values(record).flatMap(textIdsOfJson);
}
