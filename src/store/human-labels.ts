import type Database from "better-sqlite3";

/** What a person may say of a judged turn; null means they left it unsaid. */
export const UNDESIRED_LABELS = ["yes", "no"] as const;
export const CONSISTENCY_LABELS = ["consistent", "inconsistent", "not_applicable"] as const;

export interface HumanLabel {
  trialId: string;
  turnIndex: number;
  labeller: string;
  undesired: (typeof UNDESIRED_LABELS)[number] | null;
  consistency: (typeof CONSISTENCY_LABELS)[number] | null;
}

/** Adds or replaces labels in one transaction; returns how many were written. */
export function saveHumanLabels(
  database: Database.Database,
  labels: readonly HumanLabel[],
): number {
  const insert = database.prepare(
    `INSERT INTO human_labels (trial_id, turn_index, labeller, undesired, consistency, created_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (trial_id, turn_index, labeller) DO UPDATE SET
       undesired = excluded.undesired, consistency = excluded.consistency, created_at = excluded.created_at`,
  );
  const now = new Date().toISOString();
  database.transaction(() => {
    for (const label of labels)
      insert.run(
        label.trialId,
        label.turnIndex,
        label.labeller,
        label.undesired,
        label.consistency,
        now,
      );
  })();
  return labels.length;
}

/** What a stored label said, and when: enough to put it back when its replacement is undone. */
export type StoredLabelValues = Pick<HumanLabel, "undesired" | "consistency"> & {
  createdAt: string;
};

type LabelKey = Pick<HumanLabel, "trialId" | "turnIndex" | "labeller">;

/**
 * Stores one label and returns what it replaced (null when the turn had no label from this
 * labeller), in one transaction, so an undo can restore exactly what was there.
 */
export function replaceHumanLabel(
  database: Database.Database,
  label: HumanLabel,
): StoredLabelValues | null {
  return database.transaction(() => {
    const previous = storedHumanLabel(database, label);
    saveHumanLabels(database, [label]);
    return previous;
  })();
}

/** Undoes a label: puts back the values it replaced, or removes it when it replaced nothing. */
export function restoreHumanLabel(
  database: Database.Database,
  key: LabelKey,
  previous: StoredLabelValues | null,
): void {
  if (previous === null) {
    database
      .prepare("DELETE FROM human_labels WHERE trial_id = ? AND turn_index = ? AND labeller = ?")
      .run(key.trialId, key.turnIndex, key.labeller);
    return;
  }
  database
    .prepare(
      `INSERT INTO human_labels (trial_id, turn_index, labeller, undesired, consistency, created_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (trial_id, turn_index, labeller) DO UPDATE SET
         undesired = excluded.undesired, consistency = excluded.consistency, created_at = excluded.created_at`,
    )
    .run(
      key.trialId,
      key.turnIndex,
      key.labeller,
      previous.undesired,
      previous.consistency,
      previous.createdAt,
    );
}

/** One labeller's label on one turn, or null when there is none. */
export function storedHumanLabel(
  database: Database.Database,
  key: LabelKey,
): StoredLabelValues | null {
  const row = database
    .prepare(
      `SELECT undesired, consistency, created_at AS createdAt FROM human_labels
       WHERE trial_id = ? AND turn_index = ? AND labeller = ?`,
    )
    .get(key.trialId, key.turnIndex, key.labeller) as StoredLabelValues | undefined;
  return row ?? null;
}

/** Judged turns that exist in the run, as `trial_id#turn_index`, to check imported labels against. */
export function judgedTurnKeys(database: Database.Database): Set<string> {
  const rows = database
    .prepare("SELECT trial_id, turn_index FROM turns WHERE judged = 1")
    .all() as Array<{ trial_id: string; turn_index: number }>;
  return new Set(rows.map((row) => `${row.trial_id}#${row.turn_index}`));
}

export interface LabelledVerdict {
  verdictSet: string;
  labeller: string;
  judge: string;
  judgeUndesired: string | null;
  judgeConsistency: string | null;
  humanUndesired: string | null;
  humanConsistency: string | null;
}

/**
 * Every judge's verdict on every turn a person labelled, with the verdict set and the labeller:
 * one row per (verdict set, labeller, judge, turn), so a comparison within one set and one
 * labeller counts each label once. `outcome` rows are the set's combined outcome, as a judge.
 */
export function labelledVerdicts(
  database: Database.Database,
  filter: { verdictSet?: string; labeller?: string } = {},
): LabelledVerdict[] {
  const where = [
    ...(filter.verdictSet === undefined ? [] : ["v.verdict_set = @verdictSet"]),
    ...(filter.labeller === undefined ? [] : ["h.labeller = @labeller"]),
  ];
  const clause = where.length ? `WHERE ${where.join(" AND ")}` : "";
  return database
    .prepare(
      `SELECT v.verdict_set AS verdictSet, h.labeller AS labeller, v.judge AS judge,
         v.undesired AS judgeUndesired, v.consistency AS judgeConsistency,
         h.undesired AS humanUndesired, h.consistency AS humanConsistency
       FROM human_labels h JOIN (
         SELECT trial_id, turn_index, verdict_set, judge, undesired, consistency FROM verdicts
         UNION ALL
         SELECT trial_id, turn_index, verdict_set, '${OUTCOME_JUDGE}', undesired, consistency FROM outcomes
       ) v ON v.trial_id = h.trial_id AND v.turn_index = h.turn_index
       ${clause}
       ORDER BY v.verdict_set, h.labeller, v.judge, h.trial_id, h.turn_index`,
    )
    .all(filter) as LabelledVerdict[];
}

/** The name under which a verdict set's combined outcome is validated beside its judges. */
export const OUTCOME_JUDGE = "(outcome)";

/** A stored label as the transcript shows it, with when it was given. */
export type StoredHumanLabel = Pick<
  HumanLabel,
  "turnIndex" | "labeller" | "undesired" | "consistency"
> & {
  createdAt: string;
};

/** Every person's labels on one trial's turns. */
export function trialHumanLabels(database: Database.Database, trialId: string): StoredHumanLabel[] {
  return database
    .prepare(
      `SELECT turn_index AS turnIndex, labeller, undesired, consistency, created_at AS createdAt
       FROM human_labels WHERE trial_id = ? ORDER BY turn_index, labeller`,
    )
    .all(trialId) as StoredHumanLabel[];
}

export function humanLabelCount(database: Database.Database): number {
  return (database.prepare("SELECT COUNT(*) AS n FROM human_labels").get() as { n: number }).n;
}
