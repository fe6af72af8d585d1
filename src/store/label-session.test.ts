import { describe, expect, it } from "vitest";
import {
  newLabelSession,
  progressText,
  type SessionStep,
  sessionTally,
  summaryRows,
  withoutLastStep,
  withStep,
} from "./label-session.ts";

describe("a labelling session", () => {
  const yesInconsistent = { undesired: "yes", consistency: "inconsistent" } as const;
  const noUnsaid = { undesired: "no", consistency: null } as const;
  const previous = { undesired: "no", consistency: "consistent", createdAt: "2026-01-01" } as const;
  /** A new session after these steps, oldest first. */
  const sessionAfter = (...steps: SessionStep<string>[]) =>
    steps.reduce((session, step) => withStep(session, step), newLabelSession<string>());
  const label = (turn: string, answer: typeof yesInconsistent | typeof noUnsaid) =>
    ({ kind: "label", turn, answer, previous: null }) as const;

  it("undoes its steps newest first, again and again, each turn with what it replaced", () => {
    const session = sessionAfter(
      label("a", yesInconsistent),
      { kind: "skip", turn: "b" },
      { kind: "label", turn: "c", answer: noUnsaid, previous },
    );
    const first = withoutLastStep(session);
    expect(first?.step).toEqual({ kind: "label", turn: "c", answer: noUnsaid, previous });
    const second = first && withoutLastStep(first.session);
    expect(second?.step).toEqual({ kind: "skip", turn: "b" });
    const third = second && withoutLastStep(second.session);
    expect(third?.step.turn).toBe("a");
    expect(third && withoutLastStep(third.session)).toBeUndefined();
    expect(third?.session).toEqual({ steps: [], undone: 3 });
    // The session it undid is left as it was: the page keeps sessions as immutable state.
    expect(session.steps).toHaveLength(3);
  });

  it("tallies the labels and skips that stand, by answer, and counts the undone apart", () => {
    let session = sessionAfter(
      label("a", yesInconsistent),
      label("b", noUnsaid),
      { kind: "skip", turn: "c" },
      label("d", yesInconsistent),
    );
    session = withoutLastStep(session)?.session ?? session;
    expect(sessionTally(session)).toEqual({
      labelled: 2,
      undesired: { yes: 1, no: 1, unsaid: 0 },
      consistency: { consistent: 0, inconsistent: 1, not_applicable: 0, unsaid: 1 },
      skipped: 1,
      undone: 1,
    });
  });

  it("counts progress over the whole queue from where the labeller is", () => {
    let session = sessionAfter(
      ...Array.from({ length: 12 }, (_, index) => label(`t${index}`, noUnsaid)),
    );
    const tally = sessionTally(session);
    expect(progressText({ labelled: 37, total: 2398 }, tally)).toBe(
      "labelled 37 of 2,398 (12 this session), 2,361 to go",
    );
    session = withStep(session, { kind: "skip", turn: "s" });
    expect(progressText({ labelled: 37, total: 2398 }, sessionTally(session))).toBe(
      "labelled 37 of 2,398 (12 this session, 1 skipped), 2,361 to go",
    );
  });

  it("sums a session up: by answer, skipped, undone and what remains", () => {
    let session = sessionAfter(
      label("a", yesInconsistent),
      label("b", noUnsaid),
      { kind: "skip", turn: "c" },
      { kind: "skip", turn: "d" },
    );
    session = withoutLastStep(session)?.session ?? session;
    expect(summaryRows({ labelled: 1002, total: 1200 }, sessionTally(session))).toEqual([
      ["labelled this session", "2"],
      ["undesired", "yes 1, no 1"],
      ["reasoning vs output", "inconsistent 1, unsaid 1"],
      ["skipped", "1 (offered again next session)"],
      ["undone", "1"],
      ["labelled in all", "1,002 of 1,200, 198 to go"],
    ]);
    expect(summaryRows({ labelled: 0, total: 5 }, sessionTally(newLabelSession()))).toContainEqual([
      "undesired",
      "none",
    ]);
  });
});
