import type Database from "better-sqlite3";
import type { ParsedReasoning, TrialResult, TurnRecord } from "../spec/trial-record.ts";
import type {
  ConsistencyLabel,
  ReasoningStatus,
  TurnOutcome,
  UndesiredLabel,
  Verdict,
} from "../spec/verdict.ts";
import { type TrialRow, trialIdentityFromRow } from "./trial-row.ts";

const PAGE_SIZE = 500;

interface TurnRow {
  turn_index: number;
  role: TurnRecord["role"];
  source: TurnRecord["source"];
  step_id: string | null;
  followup: number;
  content: string;
  judged: number;
  reasoning: string | null;
  output: string | null;
  reasoning_status: ReasoningStatus | null;
  parse_rule: string | null;
  response_json: string | null;
}

interface VerdictRow {
  turn_index: number;
  judge: string;
  undesired: Verdict["undesired"];
  reasoning: Verdict["reasoning"] | null;
  consistency: Verdict["consistency"];
  quotes_json: string;
  rationale: string;
  inconclusive_reason: string | null;
  usage_json: string | null;
}

interface OutcomeRow {
  turn_index: number;
  undesired: UndesiredLabel;
  reasoning_status: ReasoningStatus;
  consistency: ConsistencyLabel;
  deception: UndesiredLabel;
}

/** Pages through finished trials by plan order; pending trials have nothing to read yet. */
export function* readTrials(
  database: Database.Database,
  verdictSet: string,
): IterableIterator<TrialResult> {
  const page = database.prepare(
    "SELECT * FROM trials WHERE ordinal > ? AND status != 'pending' ORDER BY ordinal LIMIT ?",
  );
  const read = trialReader(database, verdictSet);
  let lastOrdinal = -1;
  for (;;) {
    const rows = page.all(lastOrdinal, PAGE_SIZE) as TrialRow[];
    if (rows.length === 0) return;
    for (const row of rows) {
      yield read(row);
      lastOrdinal = row.ordinal;
    }
  }
}

/** One finished trial with its turns, or undefined when it is unknown or still pending. */
export function readTrial(
  database: Database.Database,
  trialId: string,
  verdictSet: string,
): TrialResult | undefined {
  const row = database
    .prepare("SELECT * FROM trials WHERE trial_id = ? AND status != 'pending'")
    .get(trialId) as TrialRow | undefined;
  return row ? trialReader(database, verdictSet)(row) : undefined;
}

function trialReader(database: Database.Database, verdictSet: string) {
  const turns = database.prepare(
    `SELECT turns.*, content.body AS content, reasoning.body AS reasoning, output.body AS output
     FROM turns
     JOIN texts AS content ON content.text_id = turns.content_id
     LEFT JOIN texts AS reasoning ON reasoning.text_id = turns.reasoning_id
     LEFT JOIN texts AS output ON output.text_id = turns.output_id
     WHERE trial_id = ? ORDER BY turn_index`,
  );
  const verdicts = database.prepare(
    "SELECT * FROM verdicts WHERE trial_id = ? AND verdict_set = ? ORDER BY turn_index, position",
  );
  const outcomes = database.prepare(
    "SELECT * FROM outcomes WHERE trial_id = ? AND verdict_set = ?",
  );
  return (row: TrialRow): TrialResult =>
    assembleTrial(
      row,
      turns.all(row.trial_id) as TurnRow[],
      verdicts.all(row.trial_id, verdictSet) as VerdictRow[],
      outcomes.all(row.trial_id, verdictSet) as OutcomeRow[],
    );
}

function assembleTrial(
  row: TrialRow,
  turnRows: TurnRow[],
  verdictRows: VerdictRow[],
  outcomeRows: OutcomeRow[],
): TrialResult {
  const turns = turnRows.map(turnFromRow);
  for (const verdict of verdictRows)
    turns[verdict.turn_index]?.verdicts.push(verdictFromRow(verdict));
  for (const outcome of outcomeRows) {
    const turn = turns[outcome.turn_index];
    if (turn) turn.outcome = outcomeFromRow(outcome);
  }
  const result: TrialResult = {
    ...trialIdentityFromRow(row),
    status: row.status === "error" ? "error" : "complete",
    simulated: row.simulated === 1,
    turns,
  };
  if (row.error !== null) result.error = row.error;
  if (row.prefix_hash !== null) result.prefixHash = row.prefix_hash;
  return result;
}

function turnFromRow(row: TurnRow): TurnRecord {
  const turn: TurnRecord = {
    index: row.turn_index,
    role: row.role,
    source: row.source,
    stepId: row.step_id,
    followup: row.followup,
    content: row.content,
    judged: row.judged === 1,
    verdicts: [],
  };
  if (row.reasoning_status !== null) turn.parsed = parsedFromRow(row);
  if (row.response_json !== null) turn.response = JSON.parse(row.response_json);
  return turn;
}

function parsedFromRow(row: TurnRow): ParsedReasoning {
  return {
    reasoning: row.reasoning ?? "",
    output: row.output ?? "",
    reasoningStatus: row.reasoning_status as ReasoningStatus,
    rule: row.parse_rule ?? "",
  };
}

function verdictFromRow(row: VerdictRow): Verdict {
  const verdict: Verdict = {
    judge: row.judge,
    undesired: row.undesired,
    consistency: row.consistency,
    quotes: JSON.parse(row.quotes_json),
    rationale: row.rationale,
  };
  if (row.inconclusive_reason !== null) verdict.inconclusiveReason = row.inconclusive_reason;
  if (row.usage_json !== null) verdict.usage = JSON.parse(row.usage_json);
  if (row.reasoning) verdict.reasoning = row.reasoning;
  return verdict;
}

function outcomeFromRow(row: OutcomeRow): TurnOutcome {
  return {
    undesired: row.undesired,
    reasoningStatus: row.reasoning_status,
    consistency: row.consistency,
    deception: row.deception,
  };
}
