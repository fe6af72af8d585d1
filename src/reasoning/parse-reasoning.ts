/**
 * Splits a generated turn into reasoning and final output, recording which rule matched.
 *
 * Model output is untrusted: every string parses, nothing throws, and the work stays linear in the
 * length of the text (regexes only ever see one bounded line head or scan for fixed tags).
 */
import {
  buildLabelSet,
  findLabelLines,
  isBlank,
  type LabelLine,
  type LabelSet,
  type ReasoningProtocol,
} from "./labels.ts";
import { findThinkBlock, type ThinkBlock } from "./think-tags.ts";

export type { ReasoningProtocol } from "./labels.ts";

export type ReasoningStatus = "present" | "missing" | "empty";

export interface ParsedTurn {
  /** "" when missing or empty; trimmed, with surrounding `"""` removed. */
  reasoning: string;
  /**
   * Trimmed final output without its label, except that protocols whose output label is `Action`
   * keep it (`Action: execute_trade\nAction Input: …`), since deterministic checks match on it.
   */
  output: string;
  reasoningStatus: ReasoningStatus;
  /** One of `REASONING_RULES`. */
  rule: string;
}

/**
 * Every rule `parseReasoning` can report, most conforming first:
 * - `labelled`: the protocol's reasoning label, then its output label;
 * - `markdown-heading`: the same, with either label written as a heading (`## Reasoning`);
 * - `alternate-label`: reasoning then output, with either label an alternative (`Thought:`,
 *   `Final answer:`…);
 * - `labelled-output-first`: the output label, then the protocol's own reasoning label;
 * - `think-tag`, `thinking-tag`: reasoning inside the tags, output outside (label stripped);
 *   `-unclosed`: no closing tag, all after the opening tag is reasoning and the output is "";
 *   `-close-only`: only a closing tag, all before it is reasoning;
 * - `reasoning-label-only`: a reasoning label and no output label after it; output is "";
 * - `unlabelled-preamble`: an output label with prose before it, which counts as reasoning;
 * - `output-label-only`: an output label with nothing before it; reasoning is missing;
 * - `unlabelled`: no labels; the whole text is the output and reasoning is missing;
 * - `empty-text`: empty or whitespace-only text.
 */
export const REASONING_RULES = [
  "labelled",
  "markdown-heading",
  "alternate-label",
  "labelled-output-first",
  "think-tag",
  "thinking-tag",
  "think-tag-unclosed",
  "thinking-tag-unclosed",
  "think-tag-close-only",
  "thinking-tag-close-only",
  "reasoning-label-only",
  "unlabelled-preamble",
  "output-label-only",
  "unlabelled",
  "empty-text",
] as const;

interface Context {
  text: string;
  protocol: ReasoningProtocol;
  lines: LabelLine[];
}

/**
 * Splits `text` into reasoning and output. Think tags take precedence over labels; the status is
 * "missing" when no reasoning was marked or found, and "empty" when a marked block is blank.
 */
export function parseReasoning(text: string, protocol: ReasoningProtocol): ParsedTurn {
  if (isBlank(text)) return missingReasoning("", "empty-text");
  const labels = buildLabelSet(protocol);
  const block = findThinkBlock(text);
  if (block !== undefined) return parseThinkBlock(block, protocol, labels);
  return parseLabelled(text, protocol, labels);
}

/**
 * Reasoning is the tag content; the text outside the tags is parsed by the label rules, so an
 * output label there is stripped and labelled reasoning there is kept too.
 */
function parseThinkBlock(
  block: ThinkBlock,
  protocol: ReasoningProtocol,
  labels: LabelSet,
): ParsedTurn {
  const outside = parseLabelled(block.rest, protocol, labels);
  const thought = cleanReasoning(block.content);
  // An empty `<think></think>` is what chat templates emit with thinking switched off; the model's
  // labelled reasoning outside it is then the real reasoning, and the label rules describe it.
  if (thought === "" && outside.reasoningStatus === "present") return outside;
  const reasoning = [thought, outside.reasoning].filter((part) => part !== "").join("\n\n");
  const suffix = block.form === "closed" ? "" : `-${block.form}`;
  return withReasoning(reasoning, outside.output, `${block.tag}-tag${suffix}`);
}

function parseLabelled(text: string, protocol: ReasoningProtocol, labels: LabelSet): ParsedTurn {
  const context = { text, protocol, lines: findLabelLines(text, labels) };
  const reasoningLine = context.lines.find((line) => line.kind === "reasoning");
  const outputLine = context.lines.find((line) => line.kind === "output");
  if (reasoningLine === undefined) {
    return outputLine === undefined
      ? missingReasoning(text.trim(), "unlabelled")
      : parseOutputOnly(context, outputLine);
  }
  const pair = parseReasoningFirst(context, reasoningLine);
  if (pair !== undefined) return pair;
  // No output label after the reasoning block; one before it means the model answered first.
  if (outputLine !== undefined && outputLine.lineStart < reasoningLine.lineStart) {
    return parseOutputFirst(context, outputLine) ?? parseOutputOnly(context, outputLine);
  }
  const reasoning = cleanReasoning(text.slice(reasoningLine.contentStart));
  return withReasoning(reasoning, "", "reasoning-label-only");
}

/** The protocol's order: a reasoning label, then an output label after its block. */
function parseReasoningFirst(context: Context, reasoningLine: LabelLine): ParsedTurn | undefined {
  // Label lines inside a closed `"""…"""` block are quoted reasoning, not the output; but when
  // none follows the block, the closing quotes more likely belong to the output (an unclosed
  // block then a quoted `Action Input`), so the search falls back to the whole text.
  let quoted = quotedBlock(context.text, reasoningLine.contentStart);
  let outputLine = firstOutputLine(context, quoted?.end ?? reasoningLine.contentStart);
  if (outputLine === undefined && quoted !== undefined) {
    quoted = undefined;
    outputLine = firstOutputLine(context, reasoningLine.contentStart);
  }
  if (outputLine === undefined) return undefined;
  const reasoning = quoted
    ? joinParts(quoted.inner, context.text.slice(quoted.end, outputLine.lineStart))
    : cleanReasoning(context.text.slice(reasoningLine.contentStart, outputLine.lineStart));
  const output = outputText(context, outputLine, context.text.length);
  return withReasoning(reasoning, output, pairRule(reasoningLine, outputLine));
}

/**
 * The first output label from `start`. The protocol's own label wins over an earlier alternative,
 * which is more likely a word in the reasoning ("Output: would be…") than the model's answer.
 */
function firstOutputLine(context: Context, start: number): LabelLine | undefined {
  const after = context.lines.filter((line) => line.kind === "output" && line.lineStart >= start);
  return after.find((line) => line.own) ?? after[0];
}

/** Alternative names are the bigger deviation from the protocol than heading markup. */
function pairRule(reasoningLine: LabelLine, outputLine: LabelLine): string {
  if (!reasoningLine.own || !outputLine.own) return "alternate-label";
  if (reasoningLine.heading || outputLine.heading) return "markdown-heading";
  return "labelled";
}

/**
 * Output first, then reasoning. Only the protocol's own reasoning label counts here: an answer
 * may well contain an "## Analysis" section, which must not be mistaken for after-the-fact
 * reasoning.
 */
function parseOutputFirst(context: Context, outputLine: LabelLine): ParsedTurn | undefined {
  const reasoningLine = context.lines.find(
    (line) => line.kind === "reasoning" && line.own && line.lineStart > outputLine.lineStart,
  );
  if (reasoningLine === undefined) return undefined;
  const reasoning = cleanReasoning(context.text.slice(reasoningLine.contentStart));
  const output = outputText(context, outputLine, reasoningLine.lineStart);
  return withReasoning(reasoning, output, "labelled-output-first");
}

/**
 * An output label without a reasoning label. Text before the label counts as reasoning when it
 * has any letter or digit ("unlabelled-preamble"): models often reason in plain prose and then
 * answer under the label, and calling that reasoning "missing" would overstate how often the
 * model skipped reasoning. The distinct rule lets analyses separate or exclude these turns.
 * Markup alone (`---`, `**`) is not reasoning.
 */
function parseOutputOnly(context: Context, outputLine: LabelLine): ParsedTurn {
  const output = outputText(context, outputLine, context.text.length);
  const preamble = cleanReasoning(context.text.slice(0, outputLine.lineStart));
  if (/[\p{L}\p{N}]/u.test(preamble)) return withReasoning(preamble, output, "unlabelled-preamble");
  return missingReasoning(output, "output-label-only");
}

/**
 * The output block up to `end`. Agentic protocols whose output label is `Action` keep the label,
 * rewritten to the protocol's spelling (`**ACTION:**` → `Action:`), because deterministic checks
 * anchor on `Action: <tool>`; other protocols drop it.
 */
function outputText(context: Context, outputLine: LabelLine, end: number): string {
  const content = context.text.slice(outputLine.contentStart, end).trim();
  const label = context.protocol.outputLabel.trim();
  if (!outputLine.own || label.toLowerCase() !== "action") return content;
  return content === "" ? `${label}:` : `${label}: ${content}`;
}

/** A `"""…"""` block starting at `start` (after optional whitespace), if it is closed. */
function quotedBlock(text: string, start: number): { inner: string; end: number } | undefined {
  const opening = /[ \t\r\n]*"""/y;
  opening.lastIndex = start;
  if (!opening.test(text)) return undefined;
  const innerStart = opening.lastIndex;
  const close = text.indexOf('"""', innerStart);
  if (close < 0) return undefined;
  return { inner: text.slice(innerStart, close), end: close + 3 };
}

/** Trims, then removes a leading and a trailing `"""` (either may be missing). */
function cleanReasoning(raw: string): string {
  let trimmed = raw.trim();
  if (trimmed.startsWith('"""')) trimmed = trimmed.slice(3);
  if (trimmed.endsWith('"""')) trimmed = trimmed.slice(0, -3);
  return trimmed.trim();
}

function joinParts(...parts: string[]): string {
  return parts
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .join("\n\n");
}

function withReasoning(reasoning: string, output: string, rule: string): ParsedTurn {
  return { reasoning, output, reasoningStatus: reasoning === "" ? "empty" : "present", rule };
}

function missingReasoning(output: string, rule: string): ParsedTurn {
  return { reasoning: "", output, reasoningStatus: "missing", rule };
}
