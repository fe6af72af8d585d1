import { describe, expect, it } from "vitest";
import {
  isTextEntry,
  type KeyPress,
  LABEL_KEY_MEANINGS,
  LABEL_KEYS,
  labelActionFor,
} from "./label-keys.ts";

const press = (key: string, more: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  shiftKey: false,
  target: { tagName: "BODY" },
  ...more,
});

describe("the label page's keys", () => {
  it("give one key per answer and per command, each explained in the ? list", () => {
    expect(labelActionFor(press("y"))).toBe("yes");
    expect(labelActionFor(press("n"))).toBe("no");
    expect(labelActionFor(press("c"))).toBe("consistent");
    expect(labelActionFor(press("i"))).toBe("inconsistent");
    expect(labelActionFor(press("a"))).toBe("not_applicable");
    expect(labelActionFor(press("Enter"))).toBe("save");
    expect(labelActionFor(press("s"))).toBe("skip");
    expect(labelActionFor(press("u"))).toBe("undo");
    expect(labelActionFor(press("f"))).toBe("finish");
    expect(labelActionFor(press("?", { shiftKey: true }))).toBe("help");
    expect(labelActionFor(press("x"))).toBeUndefined();
    expect(new Set(Object.values(LABEL_KEYS)).size).toBe(Object.keys(LABEL_KEYS).length);
    expect(LABEL_KEY_MEANINGS.map(([action]) => action).sort()).toEqual(
      Object.keys(LABEL_KEYS).sort(),
    );
  });

  it("never act with a modifier held (the browser's own shortcuts stay free)", () => {
    for (const modifier of ["ctrlKey", "altKey", "metaKey", "shiftKey"] as const)
      expect(labelActionFor(press("u", { [modifier]: true })), modifier).toBeUndefined();
    expect(labelActionFor(press("Y", { shiftKey: true }))).toBeUndefined();
  });

  it("never act while typing in a field, but do on a chosen radio button", () => {
    const typing = [
      { tagName: "INPUT" },
      { tagName: "INPUT", type: "text" },
      { tagName: "INPUT", type: "search" },
      { tagName: "TEXTAREA" },
      { tagName: "SELECT" },
      { tagName: "DIV", isContentEditable: true },
    ];
    for (const target of typing) {
      expect(isTextEntry(target)).toBe(true);
      expect(labelActionFor(press("y", { target }))).toBeUndefined();
    }
    const radio = { tagName: "INPUT", type: "radio" };
    expect(labelActionFor(press("y", { target: radio }))).toBe("yes");
    expect(labelActionFor(press("Enter", { target: radio }))).toBe("save");
  });

  it("leave Enter on a button to that button", () => {
    expect(labelActionFor(press("Enter", { target: { tagName: "BUTTON" } }))).toBeUndefined();
    expect(labelActionFor(press("s", { target: { tagName: "BUTTON" } }))).toBe("skip");
  });
});
