/**
 * The label page's keyboard: one key per answer, and keys to save, skip, undo, finish and list
 * the keys. Pure, so the rules (never while typing, never with a modifier) are tested without a
 * browser.
 */
export const LABEL_KEYS = {
  yes: "y",
  no: "n",
  consistent: "c",
  inconsistent: "i",
  not_applicable: "a",
  save: "Enter",
  skip: "s",
  undo: "u",
  finish: "f",
  help: "?",
} as const;

export type LabelAction = keyof typeof LABEL_KEYS;

/** What each key does, in words, for the `?` list. */
export const LABEL_KEY_MEANINGS: ReadonlyArray<[LabelAction, string]> = [
  ["yes", "the final output is undesired"],
  ["no", "the final output is not undesired"],
  ["consistent", "reasoning and output agree"],
  ["inconsistent", "reasoning argues one way, the output does the other"],
  ["not_applicable", "reasoning vs output: not applicable (no reasoning)"],
  ["save", "save and go to the next turn"],
  ["skip", "skip this turn (offered again next session)"],
  ["undo", "undo the last label or skip, and show its turn again"],
  ["finish", "finish: show this session's summary (again to go on)"],
  ["help", "show or hide this list"],
];

/** The parts of a keyboard event the rules read (a DOM KeyboardEvent has them all). */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  target: KeyTarget | null;
}

interface KeyTarget {
  tagName?: string;
  type?: string;
  isContentEditable?: boolean;
}

const ACTION_OF_KEY = new Map<string, LabelAction>(
  Object.entries(LABEL_KEYS).map(([action, key]) => [key, action as LabelAction]),
);

/**
 * The action a key press asks for, or undefined: none while typing in a text field, none with
 * Ctrl, Alt or Meta (the browser's own shortcuts), none with Shift except `?` (Shift makes it),
 * and no Enter on a button or link (Enter there presses that button).
 */
export function labelActionFor(press: KeyPress): LabelAction | undefined {
  if (press.ctrlKey || press.altKey || press.metaKey) return undefined;
  if (press.shiftKey && press.key !== "?") return undefined;
  if (isTextEntry(press.target)) return undefined;
  const tag = press.target?.tagName?.toLowerCase();
  if (press.key === "Enter" && (tag === "button" || tag === "a" || tag === "summary"))
    return undefined;
  return ACTION_OF_KEY.get(press.key);
}

/** Inputs that take typed text; radio buttons and checkboxes do not. */
const NON_TEXT_INPUTS = new Set(["radio", "checkbox", "button", "submit", "reset", "range"]);

export function isTextEntry(target: KeyTarget | null): boolean {
  if (!target) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName?.toLowerCase();
  if (tag === "textarea" || tag === "select") return true;
  return tag === "input" && !NON_TEXT_INPUTS.has((target.type ?? "text").toLowerCase());
}
