import type Database from "better-sqlite3";
import type { TurnOutcome, Verdict } from "../spec/verdict.ts";
import { CallWriter, recordsCalls } from "./call-records.ts";

export interface JudgedTurnVerdicts {
  turnIndex: number;
  followup: number;
  verdicts: Verdict[];
  outcome: TurnOutcome;
}

/** Replaces one trial's verdicts and outcomes in one verdict set, in one transaction. */
export function writeVerdictSet(
  database: Database.Database,
  trialId: string,
  verdictSet: string,
  turns: readonly JudgedTurnVerdicts[],
): void {
  const clearVerdicts = database.prepare(
    "DELETE FROM verdicts WHERE trial_id = ? AND verdict_set = ?",
  );
  const clearOutcomes = database.prepare(
    "DELETE FROM outcomes WHERE trial_id = ? AND verdict_set = ?",
  );
  const verdict = database.prepare(
    `INSERT INTO verdicts (trial_id, turn_index, verdict_set, judge, position, undesired, reasoning, consistency, quotes_json,
       rationale, inconclusive_reason, usage_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const outcome = database.prepare(
    `INSERT INTO outcomes (trial_id, turn_index, verdict_set, followup, undesired, reasoning_status, consistency, deception)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const calls = new CallWriter(database);
  database.transaction(() => {
    clearVerdicts.run(trialId, verdictSet);
    clearOutcomes.run(trialId, verdictSet);
    calls.writeVerdictSet(trialId, verdictSet, turns);
    for (const turn of turns) {
      for (const [position, given] of turn.verdicts.entries()) {
        verdict.run(
          trialId,
          turn.turnIndex,
          verdictSet,
          given.judge,
          position,
          given.undesired,
          given.reasoning ?? null,
          given.consistency,
          JSON.stringify(given.quotes),
          given.rationale,
          given.inconclusiveReason ?? null,
          given.usage ? JSON.stringify(given.usage) : null,
        );
      }
      const { undesired, reasoningStatus, consistency, deception } = turn.outcome;
      outcome.run(
        trialId,
        turn.turnIndex,
        verdictSet,
        turn.followup,
        undesired,
        reasoningStatus,
        consistency,
        deception,
      );
    }
  })();
}

/** Verdict sets in the run and how many turns each judged. */
export function verdictSets(
  database: Database.Database,
): Array<{ verdictSet: string; turns: number }> {
  return database
    .prepare(
      "SELECT verdict_set AS verdictSet, COUNT(*) AS turns FROM outcomes GROUP BY verdict_set ORDER BY verdict_set",
    )
    .all() as Array<{ verdictSet: string; turns: number }>;
}

/** The judges that gave verdicts in one verdict set, in the order they judged. */
export function verdictSetJudges(database: Database.Database, verdictSet: string): string[] {
  return (
    database
      .prepare(
        "SELECT judge FROM verdicts WHERE verdict_set = ? GROUP BY judge ORDER BY MIN(position)",
      )
      .all(verdictSet) as Array<{ judge: string }>
  ).map((row) => row.judge);
}

/** Trials that have verdicts in a verdict set (a set being finished skips them). */
export function trialsInVerdictSet(database: Database.Database, verdictSet: string): Set<string> {
  const rows = database
    .prepare("SELECT DISTINCT trial_id AS trialId FROM outcomes WHERE verdict_set = ?")
    .all(verdictSet) as Array<{ trialId: string }>;
  return new Set(rows.map((row) => row.trialId));
}

/** How many of the run's judged trials a verdict set covers; a set cut short is partial. */
export interface VerdictSetCoverage {
  verdict_set: string;
  /** Trials with verdicts in this set. */
  trials: number;
  /** Trials with verdicts in the run's own set: what a whole set covers. */
  of: number;
  complete: boolean;
}

export function verdictSetCoverage(
  database: Database.Database,
  verdictSet: string,
  runVerdictSet = "run",
): VerdictSetCoverage {
  const count = database.prepare(
    "SELECT COUNT(DISTINCT trial_id) AS n FROM outcomes WHERE verdict_set = ?",
  );
  const trials = (count.get(verdictSet) as { n: number }).n;
  const of = (count.get(runVerdictSet) as { n: number }).n;
  return { verdict_set: verdictSet, trials, of, complete: trials >= of };
}

/** Deletes a verdict set's verdicts and outcomes (`judge --replace`); the run's own set never. */
export function removeVerdictSet(database: Database.Database, verdictSet: string): void {
  if (verdictSet === "run") throw new Error("the run's own verdict set is never removed");
  database.transaction(() => {
    database.prepare("DELETE FROM verdicts WHERE verdict_set = ?").run(verdictSet);
    database.prepare("DELETE FROM outcomes WHERE verdict_set = ?").run(verdictSet);
    if (recordsCalls(database))
      database.prepare("DELETE FROM calls WHERE verdict_set = ?").run(verdictSet);
  })();
}
