import {
  CONSISTENCY_LABELS,
  type HumanLabel,
  type StoredLabelValues,
  UNDESIRED_LABELS,
} from "./human-labels.ts";

/**
 * One labelling session, in the terminal or on the label page: what the labeller did, newest
 * last, so the last step can be undone, again and again. Pure (no I/O, no node: imports): the
 * page and `candor label` keep the same tally and print the same progress and summary.
 */
export interface LabelSession<Turn> {
  steps: ReadonlyArray<SessionStep<Turn>>;
  /** Steps taken back by undo. */
  undone: number;
}

export type LabelAnswer = Pick<HumanLabel, "undesired" | "consistency">;

export type SessionStep<Turn> =
  | {
      kind: "label";
      turn: Turn;
      answer: LabelAnswer;
      /** What the label replaced: undo puts it back (null: undo removes the label). */
      previous: StoredLabelValues | null;
    }
  | { kind: "skip"; turn: Turn };

export function newLabelSession<Turn>(): LabelSession<Turn> {
  return { steps: [], undone: 0 };
}

export function withStep<Turn>(
  session: LabelSession<Turn>,
  step: SessionStep<Turn>,
): LabelSession<Turn> {
  return { ...session, steps: [...session.steps, step] };
}

/** The session without its last step, and that step (to undo); undefined when nothing is left. */
export function withoutLastStep<Turn>(
  session: LabelSession<Turn>,
): { session: LabelSession<Turn>; step: SessionStep<Turn> } | undefined {
  const step = session.steps.at(-1);
  if (!step) return undefined;
  return { session: { steps: session.steps.slice(0, -1), undone: session.undone + 1 }, step };
}

type Unsaid = "unsaid";

export interface SessionTally {
  labelled: number;
  undesired: Record<(typeof UNDESIRED_LABELS)[number] | Unsaid, number>;
  consistency: Record<(typeof CONSISTENCY_LABELS)[number] | Unsaid, number>;
  skipped: number;
  undone: number;
}

/** Labels and skips that stand (undone ones no longer count), by answer. */
export function sessionTally(session: LabelSession<unknown>): SessionTally {
  const tally: SessionTally = {
    labelled: 0,
    undesired: { yes: 0, no: 0, unsaid: 0 },
    consistency: { consistent: 0, inconsistent: 0, not_applicable: 0, unsaid: 0 },
    skipped: 0,
    undone: session.undone,
  };
  for (const step of session.steps) {
    if (step.kind === "skip") {
      tally.skipped += 1;
      continue;
    }
    tally.labelled += 1;
    tally.undesired[step.answer.undesired ?? "unsaid"] += 1;
    tally.consistency[step.answer.consistency ?? "unsaid"] += 1;
  }
  return tally;
}

/** The labeller's place in the whole queue: how many of its judged turns they have labelled. */
export interface QueueProgress {
  labelled: number;
  total: number;
}

/** "labelled 37 of 2,398 (12 this session), 2,361 to go": counted over the whole queue. */
export function progressText(progress: QueueProgress, tally: SessionTally): string {
  const skipped = tally.skipped > 0 ? `, ${count(tally.skipped)} skipped` : "";
  return `labelled ${count(progress.labelled)} of ${count(progress.total)} (${count(tally.labelled)} this session${skipped}), ${count(progress.total - progress.labelled)} to go`;
}

/** What a session did, as [what, how many] rows; the terminal and the page show the same. */
export function summaryRows(progress: QueueProgress, tally: SessionTally): Array<[string, string]> {
  return [
    ["labelled this session", count(tally.labelled)],
    ["undesired", answers(tally.undesired, UNDESIRED_LABELS)],
    ["reasoning vs output", answers(tally.consistency, CONSISTENCY_LABELS)],
    [
      "skipped",
      `${count(tally.skipped)}${tally.skipped > 0 ? " (offered again next session)" : ""}`,
    ],
    ["undone", count(tally.undone)],
    [
      "labelled in all",
      `${count(progress.labelled)} of ${count(progress.total)}, ${count(progress.total - progress.labelled)} to go`,
    ],
  ];
}

function answers<Label extends string>(
  counts: Record<Label | Unsaid, number>,
  labels: readonly Label[],
): string {
  const given = [...labels, "unsaid" as const]
    .filter((label) => counts[label] > 0)
    .map((label) => `${label.replaceAll("_", " ")} ${count(counts[label])}`);
  return given.length > 0 ? given.join(", ") : "none";
}

/** Whole numbers with thousands separators, the same in every locale: 2,398. */
export function count(value: number): string {
  return value.toLocaleString("en-US");
}
