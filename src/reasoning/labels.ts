/**
 * Finding label lines such as `Reasoning:`, `**Response:**` or `## Thought` in a model turn.
 *
 * Labels count only at the start of a line (after optional blockquote, list-bullet, heading and
 * emphasis markup), so prose like "the reasoning: is" never splits a turn.
 */

/** The two labels a scenario asks the model to use. */
export interface ReasoningProtocol {
  reasoningLabel: string;
  outputLabel: string;
}

export type LabelKind = "reasoning" | "output";

/** A line that opens a labelled block. Offsets index into the parsed text. */
export interface LabelLine {
  kind: LabelKind;
  /** The protocol's own label, rather than an alternative the model chose instead. */
  own: boolean;
  /** Written as a markdown heading (`## Reasoning`) rather than as `Reasoning:`. */
  heading: boolean;
  lineStart: number;
  /** Where the block's text begins: just after the label, its colon and closing markup. */
  contentStart: number;
}

/** Labels models use instead of the one they were asked for. */
const REASONING_ALTERNATIVES = [
  "Reasoning",
  "Thought",
  "Thoughts",
  "Thinking",
  "Chain of thought",
  "Chain of thoughts",
  "Scratchpad",
  "Analysis",
];
const OUTPUT_ALTERNATIVES = [
  "Response",
  "Answer",
  "Final answer",
  "Final response",
  "Output",
  "Reply",
];

interface LabelMeaning {
  kind: LabelKind;
  own: boolean;
}

/** A compiled matcher for one protocol's labels. */
export interface LabelSet {
  pattern: RegExp;
  meanings: Map<string, LabelMeaning>;
  /** How much of a line the pattern needs to see; bounds the work per line on huge inputs. */
  headLength: number;
}

/** Case, spacing, `-` and `_` differences between labels are not meaningful. */
export function normalizeLabel(label: string): string {
  return label
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, " ");
}

/** Built sets by protocol: every turn of a run parses with one of a few protocols. */
const builtLabelSets = new Map<string, LabelSet>();
const BUILT_LABEL_SETS_KEPT = 64;

export function buildLabelSet(protocol: ReasoningProtocol): LabelSet {
  const key = JSON.stringify([protocol.reasoningLabel, protocol.outputLabel]);
  let labels = builtLabelSets.get(key);
  if (!labels) {
    if (builtLabelSets.size >= BUILT_LABEL_SETS_KEPT) builtLabelSets.clear();
    labels = compileLabelSet(protocol);
    builtLabelSets.set(key, labels);
  }
  return labels;
}

function compileLabelSet(protocol: ReasoningProtocol): LabelSet {
  const meanings = new Map<string, LabelMeaning>();
  const add = (label: string, meaning: LabelMeaning) => {
    const name = normalizeLabel(label);
    if (name !== "") meanings.set(name, meaning);
  };
  for (const label of REASONING_ALTERNATIVES) add(label, { kind: "reasoning", own: false });
  for (const label of OUTPUT_ALTERNATIVES) add(label, { kind: "output", own: false });
  // Own labels go last so they win when a protocol reuses an alternative's name.
  add(protocol.outputLabel, { kind: "output", own: true });
  add(protocol.reasoningLabel, { kind: "reasoning", own: true });
  const names = [...meanings.keys()];
  const longest = Math.max(...names.map((name) => name.length));
  return { pattern: labelPattern(names), meanings, headLength: 80 + 4 * longest };
}

function labelPattern(names: string[]): RegExp {
  // Longest first, so "Final answer" is tried before "Answer" and "Thoughts" before "Thought".
  const sorted = [...names].sort((left, right) => right.length - left.length);
  const alternation = sorted.map(namePattern).join("|");
  const decoration = "[ \\t]*(?:>[ \\t]*)*(?:[-+*][ \\t]+)?";
  const heading = "(#{1,6}[ \\t]*)?";
  const label = `([*_]{0,3})(${alternation})[*_]{0,3}[ \\t]*([:：])?[*_]{0,3}`;
  return new RegExp(`^${decoration}${heading}${label}`, "i");
}

function namePattern(name: string): string {
  const escaped = name.split(" ").map((word) => word.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
  return escaped.join("[ \\t_-]+");
}

/** Every label line in the text, in order. */
export function findLabelLines(text: string, labels: LabelSet): LabelLine[] {
  const found: LabelLine[] = [];
  let lineStart = 0;
  for (;;) {
    const newline = text.indexOf("\n", lineStart);
    const lineEnd = newline < 0 ? text.length : newline;
    const line = matchLabelLine(text, lineStart, lineEnd, labels);
    if (line !== undefined) found.push(line);
    if (newline < 0) return found;
    lineStart = newline + 1;
  }
}

function matchLabelLine(
  text: string,
  lineStart: number,
  lineEnd: number,
  labels: LabelSet,
): LabelLine | undefined {
  // Matching only a bounded head keeps the regex linear however long the line is.
  const head = text.slice(lineStart, Math.min(lineEnd, lineStart + labels.headLength));
  const match = labels.pattern.exec(head);
  if (match === null) return undefined;
  const [whole, heading = "", emphasis = "", name = "", colon] = match;
  const meaning = labels.meanings.get(normalizeLabel(name));
  if (meaning === undefined) return undefined;
  const contentStart = lineStart + whole.length;
  // Without a colon, only a decorated label alone on its line (`## Reasoning`, `**Response**`)
  // is a label; a bare word could start an ordinary sentence.
  if (colon === undefined) {
    const decorated = heading !== "" || emphasis !== "";
    if (!decorated || !isBlank(text.slice(contentStart, lineEnd))) return undefined;
  }
  return { kind: meaning.kind, own: meaning.own, heading: heading !== "", lineStart, contentStart };
}

export function isBlank(text: string): boolean {
  return text.trim() === "";
}
