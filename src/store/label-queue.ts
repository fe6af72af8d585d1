import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import { variablesFor } from "../spec/factor-combinations.ts";
import { type JudgedView, judgedSteps, judgedView } from "../spec/judged-view.ts";
import { storedDesign, storedScenario } from "./load-run-experiment.ts";
import { readTrial } from "./read-trials.ts";
import { RUN_VERDICT_SET } from "./run-store.ts";

/** A judged turn waiting for a label; the arm is kept only to stratify, never to show. */
export interface LabelCandidate {
  trialId: string;
  turnIndex: number;
  scenario: string;
  arm: string;
}

/** A judged turn as a labeller meets it: the view a model judge reads, never the arm or a verdict. */
export interface TurnToLabel {
  trialId: string;
  turnIndex: number;
  scenario: string;
  view: JudgedView;
}

export function labelKey(candidate: { trialId: string; turnIndex: number }): string {
  return `${candidate.trialId}#${candidate.turnIndex}`;
}

/**
 * A run's judged turns of complete trials, grouped into strata (scenario × arm): what every
 * labeller's order is made of, read once and shared by all of them. `digest` names the exact list,
 * so a copy made elsewhere (a worker thread) can be recognised as the same.
 */
export interface LabelCandidates {
  rows: readonly LabelCandidate[];
  strata: readonly string[];
  /** The stratum of each row, by row position. */
  stratumOfRow: Int32Array;
  stratumOfTrial: ReadonlyMap<string, number>;
  digest: string;
}

export function readLabelCandidates(database: Database.Database): LabelCandidates {
  const rows = database
    .prepare(
      `SELECT u.trial_id AS trialId, u.turn_index AS turnIndex, t.scenario_id AS scenario, t.arm AS arm
       FROM trials t JOIN turns u ON u.trial_id = t.trial_id
       WHERE t.status = 'complete' AND u.judged = 1 ORDER BY t.ordinal, u.turn_index`,
    )
    .all() as LabelCandidate[];
  return labelCandidates(rows);
}

/** Groups rows (in the run's order) into strata; the inverse of what a worker sends. */
export function labelCandidates(rows: readonly LabelCandidate[]): LabelCandidates {
  const strata = new Map<string, number>();
  const stratumOfRow = new Int32Array(rows.length);
  const stratumOfTrial = new Map<string, number>();
  const digest = createHash("sha256");
  rows.forEach((candidate, position) => {
    const key = JSON.stringify([candidate.scenario, candidate.arm]);
    const stratum = strata.get(key) ?? strata.size;
    strata.set(key, stratum);
    stratumOfRow[position] = stratum;
    stratumOfTrial.set(candidate.trialId, stratum);
    digest.update(`${labelKey(candidate)}\u0000${key}\u0000`);
  });
  return {
    rows,
    strata: [...strata.keys()],
    stratumOfRow,
    stratumOfTrial,
    digest: digest.digest("hex"),
  };
}

/**
 * One labeller's order of the candidates, as row positions: stratum by stratum, and within a
 * stratum by a hash seeded by labeller, run and turn (random, stable when other turns get
 * labelled, the same in the terminal and in the browser). Compact (four bytes a turn), so it can
 * be kept per labeller and sent from a worker thread without copying.
 */
export function labelOrder(
  candidates: LabelCandidates,
  labeller: string,
  runId: string,
): Int32Array {
  const hashes = candidates.rows.map((candidate) =>
    seededHash(labeller, runId, candidate.trialId, candidate.turnIndex),
  );
  const order = Int32Array.from(candidates.rows.keys());
  const stratumOf = candidates.stratumOfRow;
  return order.sort((a, b) => {
    const byStratum = (stratumOf[a] as number) - (stratumOf[b] as number);
    if (byStratum !== 0) return byStratum;
    const hashA = hashes[a] as string;
    const hashB = hashes[b] as string;
    return hashA < hashB ? -1 : hashA > hashB ? 1 : 0;
  });
}

/**
 * The order in which one labeller meets a run's judged turns: permuted blocks over the strata
 * (scenario × arm). Strata with the fewest of this labeller's labels come first, so a short
 * session still covers every stratum, and the strata of each round come in an order of their own,
 * drawn from a hash seeded by labeller, run and round, so the position in a session says nothing
 * about the arm. Within a stratum the order is labelOrder's. Built once (it reads every judged
 * turn); each `next` then reads only this labeller's labels.
 */
export class LabelQueue {
  private constructor(
    private readonly labeller: string,
    private readonly runId: string,
    private readonly strata: ReadonlyArray<{ key: string; candidates: readonly LabelCandidate[] }>,
    private readonly stratumOfTrial: ReadonlyMap<string, number>,
    readonly total: number,
  ) {}

  static build(database: Database.Database, labeller: string, runId: string): LabelQueue {
    const candidates = readLabelCandidates(database);
    return LabelQueue.fromOrder(
      candidates,
      labeller,
      runId,
      labelOrder(candidates, labeller, runId),
    );
  }

  /** A queue over shared candidates: it holds only references to them in this labeller's order. */
  static fromOrder(
    candidates: LabelCandidates,
    labeller: string,
    runId: string,
    order: Int32Array,
  ): LabelQueue {
    const strata = candidates.strata.map((key) => ({ key, candidates: [] as LabelCandidate[] }));
    for (const position of order) {
      const stratum = strata[candidates.stratumOfRow[position] as number];
      stratum?.candidates.push(candidates.rows[position] as LabelCandidate);
    }
    return new LabelQueue(
      labeller,
      runId,
      strata,
      candidates.stratumOfTrial,
      candidates.rows.length,
    );
  }

  /** The next turn to label, or undefined when every turn is labelled or skipped. */
  next(
    database: Database.Database,
    skipped: ReadonlySet<string> = new Set(),
  ): LabelCandidate | undefined {
    const labelled = this.labelled(database);
    const given = this.strata.map(() => 0);
    for (const label of labelled.values()) {
      const stratum = this.stratumOfTrial.get(label.trialId);
      if (stratum !== undefined) given[stratum] = (given[stratum] ?? 0) + 1;
    }
    const open = this.strata.flatMap((stratum, index) => {
      const next = stratum.candidates.find(
        (candidate) => !labelled.has(labelKey(candidate)) && !skipped.has(labelKey(candidate)),
      );
      const round = given[index] ?? 0;
      return next
        ? [{ next, round, order: seededHash(this.labeller, this.runId, stratum.key, round) }]
        : [];
    });
    open.sort((a, b) => a.round - b.round || byOrder(a, b));
    return open[0]?.next;
  }

  /** Judged turns of complete trials, and how many of them this labeller has labelled. */
  progress(database: Database.Database): { labelled: number; total: number } {
    const labelled = [...this.labelled(database).values()].filter((label) =>
      this.stratumOfTrial.has(label.trialId),
    ).length;
    return { labelled, total: this.total };
  }

  private labelled(database: Database.Database): Map<string, { trialId: string }> {
    const rows = database
      .prepare(
        "SELECT trial_id AS trialId, turn_index AS turnIndex FROM human_labels WHERE labeller = ?",
      )
      .all(this.labeller) as Array<{ trialId: string; turnIndex: number }>;
    return new Map(rows.map((row) => [labelKey(row), row]));
  }
}

/**
 * The turn as a labeller sees it, or undefined when it is not a judged turn of the run: the same
 * view (definition, examples, conversation with the run's blinding, split turn) its judges read.
 */
export function turnToLabel(
  database: Database.Database,
  turn: { trialId: string; turnIndex: number },
): TurnToLabel | undefined {
  const trial = readTrial(database, turn.trialId, RUN_VERDICT_SET);
  const judged = trial?.turns[turn.turnIndex];
  if (trial?.status !== "complete" || !judged?.judged || !judged.parsed) return undefined;
  const scenario = storedScenario(database, trial.scenarioId);
  if (!scenario) return undefined;
  // Named field by field: the trial carries its arm, which must not reach the labeller.
  return {
    trialId: turn.trialId,
    turnIndex: turn.turnIndex,
    scenario: trial.scenarioId,
    view: judgedView({
      scenario,
      variables: variablesFor(scenario, trial.levels),
      design: storedDesign(database),
      turns: trial.turns.slice(0, turn.turnIndex + 1),
      examples: judgedSteps(scenario).get(judged.stepId ?? "")?.examples,
    }),
  };
}

function seededHash(...parts: ReadonlyArray<string | number>): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex");
}

function byOrder(a: { order: string }, b: { order: string }): number {
  return a.order < b.order ? -1 : a.order > b.order ? 1 : 0;
}
