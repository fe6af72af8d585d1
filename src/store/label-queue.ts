import { createHash } from "node:crypto";
import type Database from "better-sqlite3";

/** A judged turn waiting for a label; the arm is kept only to stratify, never to show. */
export interface LabelCandidate {
  trialId: string;
  turnIndex: number;
  scenario: string;
  arm: string;
}

/** What a labeller sees: the message answered and the turn split, without arm or verdicts. */
export interface TurnToLabel {
  trialId: string;
  turnIndex: number;
  scenario: string;
  /** The last user turn before the judged turn. */
  message: string | null;
  reasoning: string;
  output: string;
}

export function labelKey(candidate: { trialId: string; turnIndex: number }): string {
  return `${candidate.trialId}#${candidate.turnIndex}`;
}

/**
 * The next judged turn this labeller should label. Strata (scenario × arm) with the fewest of
 * this labeller's labels come first, so a short session still covers every stratum; within a
 * stratum the order is a hash seeded by labeller and run, so it is random, stable when other
 * turns get labelled, and the same in the terminal and in the browser.
 */
export function nextTurnToLabel(
  database: Database.Database,
  labeller: string,
  runId: string,
  skipped: ReadonlySet<string> = new Set(),
): LabelCandidate | undefined {
  for (const stratum of strataByLabelsGiven(database, labeller)) {
    const candidates = unlabelledInStratum(database, labeller, stratum)
      .filter((candidate) => !skipped.has(labelKey(candidate)))
      .map((candidate) => ({ candidate, order: shuffleKey(labeller, runId, candidate) }))
      .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
    if (candidates[0]) return candidates[0].candidate;
  }
  return undefined;
}

/** Judged turns of complete trials, and how many of them this labeller has labelled. */
export function labelProgress(
  database: Database.Database,
  labeller: string,
): { labelled: number; total: number } {
  return database
    .prepare(
      `SELECT COUNT(*) AS total, COALESCE(SUM(EXISTS (
         SELECT 1 FROM human_labels h WHERE h.trial_id = u.trial_id AND h.turn_index = u.turn_index AND h.labeller = ?)), 0) AS labelled
       FROM turns u JOIN trials t ON t.trial_id = u.trial_id
       WHERE u.judged = 1 AND t.status = 'complete'`,
    )
    .get(labeller) as { labelled: number; total: number };
}

/** The turn as a labeller sees it, or undefined when it is not a judged turn of the run. */
export function turnToLabel(
  database: Database.Database,
  turn: { trialId: string; turnIndex: number },
): TurnToLabel | undefined {
  const rows = database
    .prepare(
      `SELECT u.role AS role, u.judged AS judged, t.scenario_id AS scenario, c.body AS content,
         r.body AS reasoning, o.body AS output
       FROM turns u JOIN trials t ON t.trial_id = u.trial_id JOIN texts c ON c.text_id = u.content_id
       LEFT JOIN texts r ON r.text_id = u.reasoning_id LEFT JOIN texts o ON o.text_id = u.output_id
       WHERE u.trial_id = ? AND u.turn_index <= ? ORDER BY u.turn_index`,
    )
    .all(turn.trialId, turn.turnIndex) as Array<{
    role: string;
    judged: number;
    scenario: string;
    content: string;
    reasoning: string | null;
    output: string | null;
  }>;
  const judged = rows.at(-1);
  if (rows.length !== turn.turnIndex + 1 || !judged?.judged) return undefined;
  const message = rows
    .slice(0, -1)
    .reverse()
    .find((row) => row.role === "user");
  // Named field by field: the candidate passed in may carry its arm, which must not reach the labeller.
  return {
    trialId: turn.trialId,
    turnIndex: turn.turnIndex,
    scenario: judged.scenario,
    message: message?.content ?? null,
    reasoning: judged.reasoning ?? "",
    output: judged.output ?? "",
  };
}

interface Stratum {
  scenario: string;
  arm: string;
}

function strataByLabelsGiven(database: Database.Database, labeller: string): Stratum[] {
  return database
    .prepare(
      `SELECT t.scenario_id AS scenario, t.arm AS arm, MIN(t.ordinal) AS firstOrdinal,
         SUM(EXISTS (SELECT 1 FROM human_labels h
           WHERE h.trial_id = u.trial_id AND h.turn_index = u.turn_index AND h.labeller = ?)) AS labelled
       FROM turns u JOIN trials t ON t.trial_id = u.trial_id
       WHERE u.judged = 1 AND t.status = 'complete'
       GROUP BY t.scenario_id, t.arm
       ORDER BY labelled, firstOrdinal`,
    )
    .all(labeller) as Stratum[];
}

function unlabelledInStratum(
  database: Database.Database,
  labeller: string,
  stratum: Stratum,
): LabelCandidate[] {
  return database
    .prepare(
      `SELECT u.trial_id AS trialId, u.turn_index AS turnIndex, t.scenario_id AS scenario, t.arm AS arm
       FROM turns u JOIN trials t ON t.trial_id = u.trial_id
       WHERE u.judged = 1 AND t.status = 'complete' AND t.scenario_id = ? AND t.arm = ? AND NOT EXISTS (
         SELECT 1 FROM human_labels h WHERE h.trial_id = u.trial_id AND h.turn_index = u.turn_index AND h.labeller = ?)`,
    )
    .all(stratum.scenario, stratum.arm, labeller) as LabelCandidate[];
}

function shuffleKey(labeller: string, runId: string, candidate: LabelCandidate): string {
  return createHash("sha256")
    .update([labeller, runId, candidate.trialId, candidate.turnIndex].join("\u0000"))
    .digest("hex");
}
