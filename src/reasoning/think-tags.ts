/** Finding `<think>…</think>` and `<thinking>…</thinking>` blocks in a model turn. */

export type ThinkTagName = "think" | "thinking";

/**
 * - `closed`: an opening tag and its closing tag;
 * - `unclosed`: the turn stopped (or the model forgot) before closing, so all after is reasoning;
 * - `close-only`: a closing tag with no opening tag, as when a chat template put `<think>` in the
 *   prompt and the model only wrote the rest.
 */
export type ThinkTagForm = "closed" | "unclosed" | "close-only";

export interface ThinkBlock {
  tag: ThinkTagName;
  form: ThinkTagForm;
  /** Text inside the tags, untrimmed. */
  content: string;
  /** Text outside the tags, joined by a newline so a label after the block still starts a line. */
  rest: string;
}

/*
 * Models that think in tags open them at the start of a line and, when the opening tag came from
 * the prompt, end the closing tag's line with it. Requiring those positions keeps a tag merely
 * mentioned in prose ("I will not use <think> tags") from splitting the turn.
 */
const OPENING_AT_LINE_START = /^[^\S\n]*<(thinking|think)[ \t]*>/im;
const CLOSING_AT_LINE_END = /<\/(thinking|think)[ \t]*>[^\S\n]*(?:\n|$)/i;
const ANY_TAG = /<(\/?)(thinking|think)[ \t]*>/gi;

/** The first think block, if any. */
export function findThinkBlock(text: string): ThinkBlock | undefined {
  const opener = OPENING_AT_LINE_START.exec(text) ?? undefined;
  const lineEndCloser = CLOSING_AT_LINE_END.exec(text) ?? undefined;
  if (lineEndCloser !== undefined && (opener === undefined || lineEndCloser.index < opener.index)) {
    return closeOnlyBlock(text, lineEndCloser);
  }
  if (opener === undefined) return undefined;
  const contentStart = opener.index + opener[0].length;
  const closer = findClosingTag(text, tagName(opener), contentStart);
  return closer === undefined
    ? unclosedBlock(text, opener, contentStart)
    : closedBlock(text, opener, contentStart, closer);
}

/**
 * Tags of the same name nest (`<think>a<think>b</think></think>` is one block). When they do not
 * balance, the inner opening tag was most likely a mention, so the first closing tag ends the
 * block. Tags of the other name are plain text.
 */
function findClosingTag(
  text: string,
  name: ThinkTagName,
  from: number,
): RegExpExecArray | undefined {
  const tags = new RegExp(ANY_TAG.source, ANY_TAG.flags);
  tags.lastIndex = from;
  let depth = 1;
  let firstCloser: RegExpExecArray | undefined;
  for (let tag = tags.exec(text); tag !== null; tag = tags.exec(text)) {
    if (tagName(tag) !== name) continue;
    const closing = tag[1] === "/";
    if (closing) firstCloser ??= tag;
    depth += closing ? -1 : 1;
    if (depth === 0) return tag;
  }
  return firstCloser;
}

/** The tag name is the last capture group in each of the patterns above. */
function tagName(tag: RegExpExecArray): ThinkTagName {
  return tag[tag.length - 1]?.toLowerCase() === "thinking" ? "thinking" : "think";
}

function closedBlock(
  text: string,
  opener: RegExpExecArray,
  contentStart: number,
  closer: RegExpExecArray,
): ThinkBlock {
  return {
    tag: tagName(opener),
    form: "closed",
    content: text.slice(contentStart, closer.index),
    rest: `${text.slice(0, opener.index)}\n${text.slice(closer.index + closer[0].length)}`,
  };
}

function unclosedBlock(text: string, opener: RegExpExecArray, contentStart: number): ThinkBlock {
  return {
    tag: tagName(opener),
    form: "unclosed",
    content: text.slice(contentStart),
    rest: text.slice(0, opener.index),
  };
}

function closeOnlyBlock(text: string, closer: RegExpExecArray): ThinkBlock {
  return {
    tag: tagName(closer),
    form: "close-only",
    content: text.slice(0, closer.index),
    rest: text.slice(closer.index + closer[0].length),
  };
}
