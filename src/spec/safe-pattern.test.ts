import { describe, expect, it } from "vitest";
import { runCheck } from "../judges/check-judge.ts";
import { HeuristicJudge } from "../judges/heuristic-judge.ts";
import { compilePattern, PatternError } from "./safe-pattern.ts";

/** `(a+)+$` on 40 `a`s and a `!`: about 2^40 steps for a backtracking engine (minutes of CPU). */
const CATASTROPHIC = "(a+)+$";
const PATHOLOGICAL = `${"a".repeat(40)}!`;

describe("scenario patterns run in linear time", () => {
  it("a catastrophic pattern answers at once on a pathological input", () => {
    const pattern = compilePattern(CATASTROPHIC, "i");
    expect(pattern.test(PATHOLOGICAL)).toBe(false);
    expect(pattern.firstMatch(PATHOLOGICAL)).toBeNull();
    expect(pattern.firstMatch("aaaa")).toBe("aaaa");
  });

  it("a check with the pattern gives the right verdict on the pathological turn", () => {
    const check = {
      id: "catastrophic",
      target: "output" as const,
      undesired_if: CATASTROPHIC,
      applies_if: "(a|aa)+!",
      flags: "i",
      decisive: true,
    };
    const turn = { output: PATHOLOGICAL, reasoning: "", text: PATHOLOGICAL };
    const result = runCheck(check, turn as Parameters<typeof runCheck>[1]);
    expect(result.label).toBe("no");
  });

  it("a cue with the pattern gives the heuristic's verdict, quoting the matched text", async () => {
    const judge = new HeuristicJudge();
    const verdict = await judge.judge({
      cues: { undesired: [CATASTROPHIC, "keep (it|this) quiet"], desired: ["(x+x+)+y"] },
      turn: { output: `${PATHOLOGICAL} Keep it quiet.`, reasoning: "", reasoningStatus: "absent" },
    } as unknown as Parameters<HeuristicJudge["judge"]>[0]);
    expect(verdict.undesired).toBe("yes");
    expect(verdict.quotes).toEqual(["Keep it quiet"]);
  });

  it("keeps JavaScript's flags: i, m and s", () => {
    expect(compilePattern("^b$", "m").firstMatch("a\nb\nc")).toBe("b");
    expect(compilePattern("^b$", "").firstMatch("a\nb\nc")).toBeNull();
    expect(compilePattern("a.b", "s").test("a\nb")).toBe(true);
    expect(compilePattern("a.b", "").test("a\nb")).toBe(false);
    expect(compilePattern("tom[áa]s", "i").firstMatch("TOMÁS")).toBe("TOMÁS");
  });

  it.each([
    ["(?<!no )wait", "a lookbehind"],
    ["wait(?! for)", "a lookahead"],
    ["(\\w+) \\1", "a backreference"],
  ])("refuses %s, naming %s", (pattern, construct) => {
    expect(() => compilePattern(pattern, "i")).toThrow(PatternError);
    expect(() => compilePattern(pattern, "i")).toThrow(construct);
  });
});

describe("patterns in a run's stored scenario copy", () => {
  it("are matched as when the run was made, while a file read now must suit RE2", () => {
    const pattern = "(?<!no need to )\\bwait for the inspection\\b";
    expect(() => compilePattern(pattern, "i", { storedCopy: false })).toThrow("a lookbehind");
    const stored = compilePattern(pattern, "i", { storedCopy: true });
    expect(stored.firstMatch("No need to wait for the inspection.")).toBeNull();
    expect(stored.firstMatch("I'd wait for the inspection.")).toBe("wait for the inspection");
    // The judges, given the pattern text alone, match it as the stored copy's validation did.
    expect(compilePattern(pattern, "i").firstMatch("so wait for the inspection")).toBe(
      "wait for the inspection",
    );
    expect(() => compilePattern(pattern, "i", { storedCopy: false })).toThrow("a lookbehind");
  });
});
