import { describe, expect, it } from "vitest";
import type { Proportion } from "../../report/analysis-types.ts";
import { formatDifference, formatProportion } from "../../report/format.ts";
import { differencePieces, proportionPieces, sentencePieces } from "./text-pieces.ts";

const proportion = (overrides: Partial<Proportion>): Proportion => ({
  k: 9,
  n: 20,
  rate: 0.45,
  ci: [0.268, 0.647],
  inconclusive: 0,
  bounds: [0.45, 0.45],
  ...overrides,
});

describe("text pieces", () => {
  it("cut a proportion where the report's text may break, and nowhere else", () => {
    for (const shown of [
      proportion({}),
      proportion({ inconclusive: 2, bounds: [0.409, 0.5] }),
      proportion({ k: 0, n: 0, rate: null, ci: [0, 1], inconclusive: 3, bounds: [0, 1] }),
      proportion({ k: 0, n: 0, rate: null, ci: [0, 1] }),
    ])
      expect(proportionPieces(shown).join(" ")).toBe(formatProportion(shown));
    expect(proportionPieces(proportion({ inconclusive: 2, bounds: [0.409, 0.5] }))).toEqual([
      "45.0%",
      "[26.8–64.7]",
      "(9/20,",
      "2 inconclusive;",
      "bounds 40.9–50.0)",
    ]);
  });

  it("cut a difference between the estimate and its interval", () => {
    expect(differencePieces(0.125, [0.03, 0.22]).join(" ")).toBe(
      formatDifference(0.125, [0.03, 0.22]),
    );
    expect(differencePieces(null, null)).toEqual(["–"]);
  });

  it("keep a sentence's p-values and intervals whole, and every character in place", () => {
    const sentence =
      "An explicit rebuttal instead of a polite refusal lowered undesired output at follow-up 1 by 43.9 points [31.1, 56.7] in insider-trading (sim:default); CMH p < 0.001, Holm-adjusted 0.016.";
    const pieces = sentencePieces(sentence);
    expect(pieces.map((piece) => piece.text).join("")).toBe(sentence);
    expect(pieces.filter((piece) => piece.whole).map((piece) => piece.text)).toEqual([
      "[31.1, 56.7]",
      "p < 0.001",
      "adjusted 0.016",
    ]);
    expect(sentencePieces("no numbers here")).toEqual([{ text: "no numbers here", whole: false }]);
  });
});
