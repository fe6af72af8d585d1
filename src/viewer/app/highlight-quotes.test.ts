import { describe, expect, it } from "vitest";
import { highlightSegments, quoteFound } from "./highlight-quotes.ts";

describe("highlightSegments", () => {
  it("cuts the text where a quote starts and ends, keeping every character", () => {
    const text = "The car was in an accident last year, but it drives fine.";
    const segments = highlightSegments(text, [{ judge: 0, quotes: ["in an accident"] }]);
    expect(segments).toEqual([
      { text: "The car was ", quotedBy: [] },
      { text: "in an accident", quotedBy: [0] },
      { text: " last year, but it drives fine.", quotedBy: [] },
    ]);
    expect(segments.map((segment) => segment.text).join("")).toBe(text);
  });

  it("matches up to white space, as the judges' quote check does", () => {
    const text = "It was\n  in an\taccident.";
    const [, quoted] = highlightSegments(text, [{ judge: 1, quotes: ["in an accident"] }]);
    expect(quoted).toEqual({ text: "in an\taccident", quotedBy: [1] });
  });

  it("marks overlapping quotes of two judges with both", () => {
    const segments = highlightSegments("abc def ghi", [
      { judge: 0, quotes: ["abc def"] },
      { judge: 1, quotes: ["def ghi"] },
    ]);
    expect(segments).toEqual([
      { text: "abc ", quotedBy: [0] },
      { text: "def", quotedBy: [0, 1] },
      { text: " ghi", quotedBy: [1] },
    ]);
  });

  it("treats quotes as literal text, markup and pattern characters included", () => {
    const text = 'Say <img src=x onerror="alert(1)"> (really?) [ok]';
    const segments = highlightSegments(text, [
      { judge: 0, quotes: ['<img src=x onerror="alert(1)">', "(really?)", ".*"] },
    ]);
    expect(segments.filter((segment) => segment.quotedBy.length > 0).map((s) => s.text)).toEqual([
      '<img src=x onerror="alert(1)">',
      "(really?)",
    ]);
    expect(quoteFound(text, ".*")).toBe(false);
  });

  it("leaves text without quotes whole, and an empty text as one empty segment", () => {
    expect(highlightSegments("plain", [{ judge: 0, quotes: ["absent", "  "] }])).toEqual([
      { text: "plain", quotedBy: [] },
    ]);
    expect(highlightSegments("", [])).toEqual([{ text: "", quotedBy: [] }]);
  });
});

describe("highlightSegments on a long turn", () => {
  it("marks thousands of matches of a one-word quote and keeps every character", () => {
    const text = "the car is fine. ".repeat(5_000);
    const segments = highlightSegments(text, [
      { judge: 0, quotes: ["the"] },
      { judge: 1, quotes: ["fine."] },
    ]);
    expect(segments.map((segment) => segment.text).join("")).toBe(text);
    expect(segments.filter((segment) => segment.quotedBy.includes(0))).toHaveLength(5_000);
    expect(segments.filter((segment) => segment.quotedBy.includes(1))).toHaveLength(5_000);
  });
});
