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
 * The order in which one labeller meets a run's judged turns: permuted blocks over the strata
 * (scenario × arm). Strata with the fewest of this labeller's labels come first, so a short
 * session still covers every stratum, and the strata of each round come in an order of their own,
 * drawn from a hash seeded by labeller, run and round, so the position in a session says nothing
 * about the arm. Within a stratum the order is a hash too: random, stable when other turns get
 * labelled, and the same in the terminal and in the browser. Built once (it reads every judged
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
    const rows = database
      .prepare(
        `SELECT u.trial_id AS trialId, u.turn_index AS turnIndex, t.scenario_id AS scenario, t.arm AS arm
         FROM trials t JOIN turns u ON u.trial_id = t.trial_id
         WHERE t.status = 'complete' AND u.judged = 1 ORDER BY t.ordinal, u.turn_index`,
      )
      .all() as LabelCandidate[];
    const strata = new Map<string, Array<{ candidate: LabelCandidate; order: string }>>();
    for (const candidate of rows) {
      const key = JSON.stringify([candidate.scenario, candidate.arm]);
      const stratum = strata.get(key) ?? [];
      stratum.push({
        candidate,
        order: seededHash(labeller, runId, candidate.trialId, candidate.turnIndex),
      });
      strata.set(key, stratum);
    }
    const ordered = [...strata].map(([key, stratum]) => ({
      key,
      candidates: stratum.sort(byOrder).map((entry) => entry.candidate),
    }));
    const stratumOfTrial = new Map<string, number>();
    ordered.forEach((stratum, index) => {
      for (const candidate of stratum.candidates) stratumOfTrial.set(candidate.trialId, index);
    });
    return new LabelQueue(labeller, runId, ordered, stratumOfTrial, rows.length);
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
