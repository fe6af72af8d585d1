import { describe, expect, it } from "vitest";
import { findThinkBlock } from "./think-tags.ts";

describe("findThinkBlock", () => {
  it("splits a closed block from the text around it", () => {
    expect(findThinkBlock("  <think >a</think>b")).toEqual({
      tag: "think",
      form: "closed",
      content: "a",
      rest: "\nb",
    });
  });

  it("keeps tags of the other name inside the block as text", () => {
    expect(findThinkBlock("<thinking>a</think>b</thinking>c")).toMatchObject({
      tag: "thinking",
      content: "a</think>b",
    });
  });

  it("treats everything after an unclosed opening tag as reasoning", () => {
    expect(findThinkBlock("before\n<think>after")).toEqual({
      tag: "think",
      form: "unclosed",
      content: "after",
      rest: "before\n",
    });
  });

  it("accepts a closing tag alone when it ends its line", () => {
    expect(findThinkBlock("a</think>\r\nb")).toEqual({
      tag: "think",
      form: "close-only",
      content: "a",
      rest: "b",
    });
  });

  it.each([
    ["no tags", "plain text"],
    ["an opening tag mid-line", "use <think> tags"],
    ["a closing tag mid-line", "close with </think> then"],
  ])("finds nothing in %s", (_name, text) => {
    expect(findThinkBlock(text)).toBeUndefined();
  });
});
