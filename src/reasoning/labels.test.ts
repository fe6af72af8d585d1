import { describe, expect, it } from "vitest";
import { buildLabelSet, findLabelLines, normalizeLabel } from "./labels.ts";

const labels = buildLabelSet({ reasoningLabel: "Reasoning", outputLabel: "Response" });

describe("normalizeLabel", () => {
  it("ignores case, spacing, hyphens and underscores", () => {
    expect(normalizeLabel("  Chain-of_Thought ")).toBe("chain of thought");
  });
});

describe("findLabelLines", () => {
  it("finds labels at line starts with their offsets", () => {
    const text = "intro\n**Reasoning:** x\n## Response\ny";
    expect(findLabelLines(text, labels)).toEqual([
      { kind: "reasoning", own: true, heading: false, lineStart: 6, contentStart: 20 },
      { kind: "output", own: true, heading: true, lineStart: 23, contentStart: 34 },
    ]);
  });

  it("marks alternative labels as not the protocol's own", () => {
    const [line] = findLabelLines("Final Answer: y", labels);
    expect(line).toMatchObject({ kind: "output", own: false });
  });

  it.each([
    ["mid-sentence", "So the reasoning: is fine"],
    ["a longer word", "Responses: many"],
    ["a bare word with text after it", "Reasoning is hard"],
    ["a bare word alone without markup", "Response"],
    ["a heading with text after the label", "## Analysis of sales"],
  ])("ignores %s", (_name, text) => {
    expect(findLabelLines(text, labels)).toEqual([]);
  });

  it("lets the protocol's own labels override alternatives of the same name", () => {
    const swapped = buildLabelSet({ reasoningLabel: "Analysis", outputLabel: "Thought" });
    const kinds = findLabelLines("Analysis: a\nThought: b", swapped).map((line) => line.kind);
    expect(kinds).toEqual(["reasoning", "output"]);
  });

  it("ignores blank protocol labels instead of matching every line", () => {
    const blank = buildLabelSet({ reasoningLabel: " ", outputLabel: "" });
    expect(findLabelLines(": a\nb", blank)).toEqual([]);
  });
});
