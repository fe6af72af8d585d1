import { describe, expect, it } from "vitest";
import {
  type ParsedTurn,
  parseReasoning,
  REASONING_RULES,
  type ReasoningProtocol,
} from "./parse-reasoning.ts";

const rolePlay: ReasoningProtocol = { reasoningLabel: "Reasoning", outputLabel: "Response" };
const agentic: ReasoningProtocol = { reasoningLabel: "Reasoning", outputLabel: "Action" };
const trade = "Action: execute_trade\nAction Input: LING, buy, 2000";

interface Variant {
  name: string;
  text: string;
  protocol?: ReasoningProtocol;
  expected: ParsedTurn;
}

function turn(reasoning: string, output: string, rule: string): ParsedTurn {
  const reasoningStatus = ["unlabelled", "output-label-only", "empty-text"].includes(rule)
    ? "missing"
    : reasoning === ""
      ? "empty"
      : "present";
  return { reasoning, output, reasoningStatus, rule };
}

const labelled: Variant[] = [
  {
    name: "reasoning then response on the same lines",
    text: "Reasoning: The user wants help.\nResponse: Sure, here it is.",
    expected: turn("The user wants help.", "Sure, here it is.", "labelled"),
  },
  {
    name: "labels on their own lines with multi-line blocks",
    text: "Reasoning:\nLine one.\nLine two.\n\nResponse:\nHello.\nBye.",
    expected: turn("Line one.\nLine two.", "Hello.\nBye.", "labelled"),
  },
  {
    name: "case and whitespace",
    text: "  REASONING :   x  \n\t response:y",
    expected: turn("x", "y", "labelled"),
  },
  {
    name: "bold labels with the colon inside",
    text: "**Reasoning:** x\n\n**Response:** y",
    expected: turn("x", "y", "labelled"),
  },
  {
    name: "bold and underscore labels with the colon outside",
    text: "**Reasoning**: x\n__Response__: y",
    expected: turn("x", "y", "labelled"),
  },
  {
    name: "italic labels",
    text: "*Reasoning:* x\n_Response:_ y",
    expected: turn("x", "y", "labelled"),
  },
  {
    name: "labels in list bullets",
    text: "- **Reasoning:** x\n- **Response:** y",
    expected: turn("x", "y", "labelled"),
  },
  {
    name: "labels in a blockquote",
    text: "> Reasoning: x\n> Response: y",
    expected: turn("x", "y", "labelled"),
  },
  {
    name: "full-width colons",
    text: "Reasoning： x\nResponse： y",
    expected: turn("x", "y", "labelled"),
  },
  {
    name: "Windows line endings",
    text: "Reasoning: x\r\nResponse: y\r\n",
    expected: turn("x", "y", "labelled"),
  },
  {
    name: "triple-quoted reasoning over several lines",
    text: 'Reasoning: """\nmulti\nline\n"""\nResponse: y',
    expected: turn("multi\nline", "y", "labelled"),
  },
  {
    name: "an alternative output label inside the reasoning loses to the protocol's own",
    text: "Reasoning: Think first.\nOutput: would be harmful.\nResponse: No.",
    expected: turn("Think first.\nOutput: would be harmful.", "No.", "labelled"),
  },
  {
    name: "a second round keeps everything after the first response as output",
    text: "Reasoning: a\nResponse: b\nReasoning: c\nResponse: d",
    expected: turn("a", "b\nReasoning: c\nResponse: d", "labelled"),
  },
  {
    name: "a response before the reasoning is ignored when another follows it",
    text: "Response: a\nReasoning: b\nResponse: c",
    expected: turn("b", "c", "labelled"),
  },
  {
    name: "markdown headings",
    text: "## Reasoning\nx\n\n### Response\ny",
    expected: turn("x", "y", "markdown-heading"),
  },
  {
    name: "bold markdown headings",
    text: "## **Reasoning**\nx\n## **Response**\ny",
    expected: turn("x", "y", "markdown-heading"),
  },
  {
    name: "output first, reasoning after",
    text: "Response: No.\n\nReasoning: It is harmful.",
    expected: turn("It is harmful.", "No.", "labelled-output-first"),
  },
  {
    name: "an empty reasoning block",
    text: "Reasoning:\n\nResponse: Hi",
    expected: turn("", "Hi", "labelled"),
  },
  {
    name: "an empty output-first reasoning block",
    text: "Response: Hi\nReasoning:   ",
    expected: turn("", "Hi", "labelled-output-first"),
  },
];

const agenticVariants: Variant[] = [
  {
    name: "the agentic protocol keeps the Action lines",
    text: `Reasoning: """I should buy."""\n${trade}`,
    protocol: agentic,
    expected: turn("I should buy.", trade, "labelled"),
  },
  {
    name: "a decorated Action label is rewritten to the protocol's spelling",
    text: '**Reasoning:** """I should buy."""\n**ACTION:** execute_trade\nAction Input: LING, buy, 2000',
    protocol: agentic,
    expected: turn("I should buy.", trade, "labelled"),
  },
  {
    name: "an Action line inside closed triple quotes stays reasoning",
    text: 'Reasoning: """Option one.\nAction: buying looks risky.\n"""\nAction: hold\nAction Input: LING',
    protocol: agentic,
    expected: turn(
      "Option one.\nAction: buying looks risky.",
      "Action: hold\nAction Input: LING",
      "labelled",
    ),
  },
  {
    name: "unclosed reasoning quotes with a quoted action input",
    text: 'Reasoning: """I should buy.\nAction: execute_trade\nAction Input: """LING"""',
    protocol: agentic,
    expected: turn("I should buy.", 'Action: execute_trade\nAction Input: """LING"""', "labelled"),
  },
  {
    name: 'an empty """ """ block',
    text: 'Reasoning: """ """\nAction: hold',
    protocol: agentic,
    expected: turn("", "Action: hold", "labelled"),
  },
  {
    name: "ReAct-style Thought",
    text: `Thought: Prices are rising.\n${trade}`,
    protocol: agentic,
    expected: turn("Prices are rising.", trade, "alternate-label"),
  },
  {
    name: "an action after unlabelled prose",
    text: `I should buy.\n${trade}`,
    protocol: agentic,
    expected: turn("I should buy.", trade, "unlabelled-preamble"),
  },
  {
    name: "an action alone",
    text: trade,
    protocol: agentic,
    expected: turn("", trade, "output-label-only"),
  },
  {
    name: "Action Input is not an Action label",
    text: "Reasoning: x\nAction Input: y",
    protocol: agentic,
    expected: turn("x\nAction Input: y", "", "reasoning-label-only"),
  },
  {
    name: "an alternative output label keeps no label",
    text: "Thought: x\nFinal Answer: I bought.",
    protocol: agentic,
    expected: turn("x", "I bought.", "alternate-label"),
  },
];

const thinkTags: Variant[] = [
  {
    name: "a think tag then plain output",
    text: "<think>\nThe user wants X.\n</think>\n\nSure.",
    expected: turn("The user wants X.", "Sure.", "think-tag"),
  },
  {
    name: "a think tag then a labelled output",
    text: "<think>hmm</think>\nResponse: hi",
    expected: turn("hmm", "hi", "think-tag"),
  },
  {
    name: "a thinking tag",
    text: "<THINKING>plan</THINKING>\n**Response:** done",
    expected: turn("plan", "done", "thinking-tag"),
  },
  {
    name: "an unclosed think tag",
    text: "<think>\nStill going and never",
    expected: turn("Still going and never", "", "think-tag-unclosed"),
  },
  {
    name: "a closing tag without its opening tag",
    text: "The user wants X.\n</think>\n\nSure.",
    expected: turn("The user wants X.", "Sure.", "think-tag-close-only"),
  },
  {
    name: "a think tag mentioned mid-sentence is prose",
    text: "Reasoning: I will not use <think> tags.\nResponse: ok",
    expected: turn("I will not use <think> tags.", "ok", "labelled"),
  },
  {
    name: "a closing tag mentioned mid-sentence is prose",
    text: "Close it with </think> then.\nResponse: ok",
    expected: turn("Close it with </think> then.", "ok", "unlabelled-preamble"),
  },
  {
    name: "an opening tag mentioned inside the reasoning does not swallow the output",
    text: "<think>Never print <think> here.</think>\nHi",
    expected: turn("Never print <think> here.", "Hi", "think-tag"),
  },
  {
    name: "nested think tags",
    text: "<think>outer <think>inner</think> more</think>answer",
    expected: turn("outer <think>inner</think> more", "answer", "think-tag"),
  },
  {
    name: "an empty think tag before labelled reasoning",
    text: "<think>\n\n</think>\n\nReasoning: x\nResponse: y",
    expected: turn("x", "y", "labelled"),
  },
  {
    name: "an empty think tag",
    text: "<think></think>Hello",
    expected: turn("", "Hello", "think-tag"),
  },
  {
    name: "a think tag and labelled reasoning",
    text: "<think>a</think>\nReasoning: b\nResponse: c",
    expected: turn("a\n\nb", "c", "think-tag"),
  },
];

const otherVariants: Variant[] = [
  ...["Thought", "Thoughts", "Thinking", "Chain of thought", "Chain-of-Thought", "Scratchpad"].map(
    (label): Variant => ({
      name: `the alternative reasoning label ${label}`,
      text: `${label}: x\nResponse: y`,
      expected: turn("x", "y", "alternate-label"),
    }),
  ),
  ...["Answer", "Final answer", "Final Response", "Output", "Reply"].map(
    (label): Variant => ({
      name: `the alternative output label ${label}`,
      text: `Analysis:\nx\n${label}: y`,
      expected: turn("x", "y", "alternate-label"),
    }),
  ),
  {
    name: "labels mid-sentence do not split",
    text: "I believe the reasoning: is sound and the response: is fine.",
    expected: turn(
      "",
      "I believe the reasoning: is sound and the response: is fine.",
      "unlabelled",
    ),
  },
  {
    name: "bare label words without a colon or markup are prose",
    text: "Reasoning\nx\nResponse\ny",
    expected: turn("", "Reasoning\nx\nResponse\ny", "unlabelled"),
  },
  {
    name: "an output label alone",
    text: "Response: Hello",
    expected: turn("", "Hello", "output-label-only"),
  },
  {
    name: "markup before the output label is not reasoning",
    text: "---\n**Response:** Hello",
    expected: turn("", "Hello", "output-label-only"),
  },
  {
    name: "prose before the output label is reasoning",
    text: "Let me think about this.\n\nResponse: Hello",
    expected: turn("Let me think about this.", "Hello", "unlabelled-preamble"),
  },
  {
    name: "an Analysis heading inside an answer is not reasoning",
    text: "Response: Here is my report.\n## Analysis\nSales rose.",
    expected: turn("", "Here is my report.\n## Analysis\nSales rose.", "output-label-only"),
  },
  {
    name: "no labels",
    text: "  Just an answer.  ",
    expected: turn("", "Just an answer.", "unlabelled"),
  },
  {
    name: "a reasoning label alone",
    text: "Reasoning: thinking aloud",
    expected: turn("thinking aloud", "", "reasoning-label-only"),
  },
  {
    name: "an empty reasoning label alone",
    text: "**Reasoning:**",
    expected: turn("", "", "reasoning-label-only"),
  },
  { name: "empty text", text: "", expected: turn("", "", "empty-text") },
  { name: "whitespace-only text", text: "  \n\t \r\n", expected: turn("", "", "empty-text") },
  {
    name: "custom labels with regular-expression characters",
    text: "Plan (private): x\nSay: y",
    protocol: { reasoningLabel: "Plan (private)", outputLabel: "Say" },
    expected: turn("x", "y", "labelled"),
  },
  {
    name: "unicode is kept intact",
    text: "Reasoning: 考虑一下 🤔\nResponse: Нет.",
    expected: turn("考虑一下 🤔", "Нет.", "labelled"),
  },
];

describe("parseReasoning", () => {
  const variants = [...labelled, ...agenticVariants, ...thinkTags, ...otherVariants];

  it("has a broad table of variants", () => {
    expect(variants.length).toBeGreaterThanOrEqual(25);
  });

  it.each(variants)("parses $name", ({ text, protocol, expected }) => {
    expect(parseReasoning(text, protocol ?? rolePlay)).toEqual(expected);
  });

  it("reports only listed rules in the table", () => {
    for (const { expected } of variants) expect(REASONING_RULES).toContain(expected.rule);
  });
});

/** mulberry32: a tiny seeded generator, so a failing fuzz case reproduces. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = [
  "Reasoning",
  "Response",
  "Action",
  "Action Input",
  "Thought",
  "Final answer",
  "Analysis",
  ":",
  "：",
  "**",
  "_",
  "## ",
  "> ",
  "- ",
  "\n",
  "\r\n",
  " ",
  "\t",
  '"""',
  '"',
  "<think>",
  "</think>",
  "<thinking>",
  "</thinking>",
  "<think",
  "the reasoning: is",
  "\uD800",
  "\uDFFF",
  "🤔",
  "\u200B",
  "\u202E",
  "\u0000",
  "考虑",
  "x",
  "buy",
];

const PROTOCOLS: ReasoningProtocol[] = [
  rolePlay,
  agentic,
  { reasoningLabel: "", outputLabel: " " },
  { reasoningLabel: "a.*b(", outputLabel: "[x]+?" },
  { reasoningLabel: "🤔", outputLabel: "\uD800" },
  { reasoningLabel: "Response", outputLabel: "Reasoning" },
];

function randomText(random: () => number): string {
  const pick = (count: number) => Math.floor(random() * count);
  let text = "";
  const length = pick(40);
  for (let index = 0; index < length; index++) {
    text +=
      random() < 0.8
        ? (FRAGMENTS[pick(FRAGMENTS.length)] ?? "")
        : String.fromCharCode(pick(0x10000));
  }
  return text;
}

function expectValidTurn(turnResult: ParsedTurn): void {
  expect(typeof turnResult.reasoning).toBe("string");
  expect(typeof turnResult.output).toBe("string");
  expect(turnResult.reasoning).toBe(turnResult.reasoning.trim());
  expect(turnResult.output).toBe(turnResult.output.trim());
  expect(REASONING_RULES).toContain(turnResult.rule);
  expect(["present", "missing", "empty"]).toContain(turnResult.reasoningStatus);
  expect(turnResult.reasoningStatus === "present").toBe(turnResult.reasoning !== "");
  const missingRules = ["unlabelled", "output-label-only", "empty-text"];
  expect(turnResult.reasoningStatus === "missing").toBe(missingRules.includes(turnResult.rule));
}

describe("parseReasoning on untrusted text", () => {
  it("never throws and always returns valid fields on seeded random strings", () => {
    const random = seededRandom(20240611);
    const rulesSeen = new Set<string>();
    for (let sample = 0; sample < 4000; sample++) {
      const text = randomText(random);
      const protocol = PROTOCOLS[sample % PROTOCOLS.length] ?? rolePlay;
      const result = parseReasoning(text, protocol);
      expectValidTurn(result);
      expect(parseReasoning(text, protocol)).toEqual(result);
      rulesSeen.add(result.rule);
    }
    // Guards against a generator that only ever reaches one or two code paths.
    expect(rulesSeen.size).toBeGreaterThanOrEqual(10);
  });

  it.each([
    ["a line of spaces after a label", `Reasoning${" ".repeat(2_000_000)}x`],
    ["many label lines", "Response: x\nReasoning: y\n".repeat(100_000)],
    ["deeply nested think tags", "<think>".repeat(200_000)],
    ["many quotes", `Reasoning: ${'"'.repeat(1_000_000)}\nAction: x`],
    ["a very long single line", `Reasoning: ${"ab ".repeat(1_000_000)}`],
    ["lone surrogates", "\uD800Reasoning:\uDC00\n\uDFFFResponse: \uD83D"],
  ])("handles %s", (_name, text) => {
    // No timing assertion (speed lives in benchmarks); catastrophic backtracking would hit the test timeout.
    for (const protocol of PROTOCOLS) expectValidTurn(parseReasoning(text, protocol));
  });

  it("tolerates huge protocol labels", () => {
    const protocol = { reasoningLabel: "R ".repeat(5_000), outputLabel: "O".repeat(10_000) };
    expectValidTurn(parseReasoning(`${protocol.reasoningLabel}: x\nResponse: y`, protocol));
  });
});
