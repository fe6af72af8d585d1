import type Database from "better-sqlite3";
import type { TrialResult, TurnRecord } from "../spec/trial-record.ts";
import { CallWriter } from "./call-records.ts";
import { internText } from "./intern-text.ts";

const statements = new WeakMap<Database.Database, ReturnType<typeof prepare>>();

function prepare(database: Database.Database) {
  return {
    database,
    clearOutcomes: database.prepare("DELETE FROM outcomes WHERE trial_id = ?"),
    clearVerdicts: database.prepare("DELETE FROM verdicts WHERE trial_id = ?"),
    clearTurns: database.prepare("DELETE FROM turns WHERE trial_id = ?"),
    turn: database.prepare(
      `INSERT INTO turns (trial_id, turn_index, role, source, step_id, followup, content_id, judged,
         reasoning_id, output_id, reasoning_status, parse_rule, response_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    verdict: database.prepare(
      `INSERT INTO verdicts (trial_id, turn_index, verdict_set, judge, position, undesired, reasoning,
         consistency, quotes_json, rationale, inconclusive_reason, usage_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    outcome: database.prepare(
      `INSERT INTO outcomes (trial_id, turn_index, verdict_set, followup, undesired, reasoning_status,
         consistency, deception) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    trial: database.prepare(
      "UPDATE trials SET status = ?, error = ?, simulated = ?, prefix_hash = ?, finished_at = ? WHERE trial_id = ?",
    ),
  };
}

/**
 * Replaces whatever each trial had with its result. Several trials go in one transaction: a run writes the trials that finished in the same turn of
 * the event loop together, since a commit costs about as much as writing a trial (see
 * src/runner/trial-write-behind.ts). Each trial is stored whole or, with the batch, not at all.
 */
export function writeTrialResults(
  database: Database.Database,
  results: readonly TrialResult[],
  verdictSet: string,
): void {
  let prepared = statements.get(database);
  if (!prepared) {
    prepared = prepare(database);
    statements.set(database, prepared);
  }
  const sql = prepared;
  const calls = new CallWriter(database);
  database.transaction(() => {
    for (const result of results) replaceTrial(sql, calls, result, verdictSet);
  })();
}

function replaceTrial(
  sql: ReturnType<typeof prepare>,
  calls: CallWriter,
  result: TrialResult,
  verdictSet: string,
): void {
  const changed = sql.trial.run(
    result.status,
    result.error ?? null,
    result.simulated ? 1 : 0,
    result.prefixHash ?? null,
    new Date().toISOString(),
    result.trialId,
  );
  if (changed.changes !== 1) throw new Error(`trial ${result.trialId} is not in this run's plan`);
  sql.clearOutcomes.run(result.trialId);
  sql.clearVerdicts.run(result.trialId);
  calls.clearTrial(result.trialId);
  sql.clearTurns.run(result.trialId);
  for (const turn of result.turns) writeTurn(sql, result.trialId, turn, verdictSet);
  calls.writeTrial(result.trialId, result.turns, verdictSet);
}

function writeTurn(
  sql: ReturnType<typeof prepare>,
  trialId: string,
  turn: TurnRecord,
  verdictSet: string,
): void {
  sql.turn.run(
    trialId,
    turn.index,
    turn.role,
    turn.source,
    turn.stepId,
    turn.followup,
    internText(sql.database, turn.content),
    turn.judged ? 1 : 0,
    turn.parsed ? internText(sql.database, turn.parsed.reasoning) : null,
    turn.parsed ? internText(sql.database, turn.parsed.output) : null,
    turn.parsed?.reasoningStatus ?? null,
    turn.parsed?.rule ?? null,
    turn.response ? JSON.stringify(turn.response) : null,
  );
  for (const [position, verdict] of turn.verdicts.entries()) {
    sql.verdict.run(
      trialId,
      turn.index,
      verdictSet,
      verdict.judge,
      position,
      verdict.undesired,
      verdict.reasoning ?? null,
      verdict.consistency,
      JSON.stringify(verdict.quotes),
      verdict.rationale,
      verdict.inconclusiveReason ?? null,
      verdict.usage ? JSON.stringify(verdict.usage) : null,
    );
  }
  if (turn.outcome) {
    const { undesired, reasoningStatus, consistency, deception } = turn.outcome;
    sql.outcome.run(
      trialId,
      turn.index,
      verdictSet,
      turn.followup,
      undesired,
      reasoningStatus,
      consistency,
      deception,
    );
  }
}
