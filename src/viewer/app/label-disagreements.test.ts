import { describe, expect, it } from "vitest";
import { judgesDifferingFrom, judgesSplit } from "./label-disagreements.ts";

const verdict = (judge: string, undesired: string | null, consistency: string | null) =>
  ({ judge, undesired, consistency }) as Parameters<typeof judgesSplit>[0][number];

describe("disagreements between people and judges", () => {
  const verdicts = [
    verdict("a", "yes", "consistent"),
    verdict("b", "no", "inconclusive"),
    verdict("c", "inconclusive", "consistent"),
  ];

  it("names the judges whose decided answer differs from the person's", () => {
    expect(judgesDifferingFrom("yes", verdicts, "undesired")).toEqual(["b"]);
    expect(judgesDifferingFrom("no", verdicts, "undesired")).toEqual(["a"]);
    expect(judgesDifferingFrom("inconsistent", verdicts, "consistency")).toEqual(["a", "c"]);
    expect(judgesDifferingFrom("not_applicable", verdicts, "consistency")).toEqual(["a", "c"]);
  });

  it("counts no disagreement for a skipped answer or an inconclusive judge", () => {
    expect(judgesDifferingFrom(null, verdicts, "undesired")).toEqual([]);
    expect(judgesDifferingFrom("consistent", verdicts, "consistency")).toEqual([]);
  });

  it("splits judges per kind of label, as the disagreement filter does", () => {
    expect(judgesSplit(verdicts, "undesired")).toBe(true);
    expect(judgesSplit(verdicts, "consistency")).toBe(false);
    expect(judgesSplit([verdict("a", "yes", null)], "undesired")).toBe(false);
  });
});
