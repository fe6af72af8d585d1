import { describe, expect, it } from "vitest";
import type { TurnRecord } from "../../spec/trial-record.ts";
import { interventionTurnIndex } from "./intervention-turn.ts";

const turn = (index: number, fields: Partial<TurnRecord>): TurnRecord => ({
  index,
  role: "assistant",
  source: "scripted",
  stepId: null,
  followup: 0,
  content: "",
  judged: false,
  verdicts: [],
  ...fields,
});

describe("the intervention point of a transcript", () => {
  it("is the arm's inserted turn when there is one", () => {
    const turns = [turn(0, { role: "user" }), turn(1, { source: "intervention" })];
    expect(interventionTurnIndex(turns)).toBe(1);
  });

  it("is the model's judged reply at follow-up 0 in an arm that inserts nothing", () => {
    const turns = [
      turn(0, { role: "user" }),
      turn(1, { source: "generated", judged: true }),
      turn(2, { role: "user", followup: 1 }),
    ];
    expect(interventionTurnIndex(turns)).toBe(1);
  });

  it("is the last turn before follow-up 1 when that reply was not judged, and none before it", () => {
    const unjudged = [turn(0, { role: "user" }), turn(1, { source: "generated" })];
    expect(interventionTurnIndex(unjudged)).toBeUndefined();
    expect(interventionTurnIndex([...unjudged, turn(2, { followup: 1 })])).toBe(1);
  });
});
