import type Database from "better-sqlite3";
import type { ChatMessage } from "../spec/language-model.ts";
import type {
  CallResponse,
  CallSettings,
  FailedAttempt,
  ModelCall,
  WireExchange,
} from "../spec/model-call.ts";
import type { TurnRecord } from "../spec/trial-record.ts";
import type { Verdict } from "../spec/verdict.ts";
import { internText } from "./intern-text.ts";
import {
  type StoredText,
  TextDecoding,
  TextEncoding,
  type TextId,
  textIdsOfJson,
  textIdsOfText,
} from "./stored-text.ts";

/**
 * Model calls as the `calls` table keeps them. Texts go to the run's `texts` (stored-text.ts): a
 * subject's messages, which are the trial's turns so far, as a count of turns; other messages, the
 * request and response bodies and a judge's reply with their long strings as text ids.
 */
export interface StoredCall {
  turnIndex: number;
  /** Null for the call that made the turn; the verdict set for a judge's call. */
  verdictSet: string | null;
  /** `subject`, `pressurer` or `judge:<judge id>`. */
  caller: string;
  /** The call's place among its caller's calls on the turn (a judge's repair attempts). */
  position: number;
  messages: ChatMessage[];
  settings: CallSettings;
  /** A judge's raw reply; a turn's is its content. */
  reply?: string;
  /** A judge's usage, latency and metadata; a turn's are in its `response`. */
  response?: CallResponse;
  exchange?: WireExchange;
  failedAttempts: FailedAttempt[];
}

/** The verdict set of a call that made a turn (judges' calls name theirs). */
const TURN_CALL = "";

const writers = new WeakMap<Database.Database, ReturnType<typeof prepareWriter>>();

function prepareWriter(database: Database.Database) {
  return {
    clearTrial: database.prepare("DELETE FROM calls WHERE trial_id = ?"),
    clearVerdictSet: database.prepare("DELETE FROM calls WHERE trial_id = ? AND verdict_set = ?"),
    trialTexts: database
      .prepare(
        `SELECT DISTINCT body FROM turns JOIN texts
           ON texts.text_id IN (turns.content_id, turns.reasoning_id, turns.output_id)
         WHERE trial_id = ?`,
      )
      .pluck(),
    insert: database.prepare(
      `INSERT INTO calls (trial_id, turn_index, verdict_set, caller, position, request_json, reply_json,
         response_json, exchange_json, attempts_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
  };
}

/** Writes calls inside a caller's transaction, their texts interned with the trial's own. */
export class CallWriter {
  readonly #sql: ReturnType<typeof prepareWriter>;
  readonly #textId: TextId;

  constructor(database: Database.Database) {
    let sql = writers.get(database);
    if (!sql) {
      sql = prepareWriter(database);
      writers.set(database, sql);
    }
    this.#sql = sql;
    this.#textId = (body) => internText(database, body);
  }

  /** Before a trial is written again: its turns' calls and every verdict set's. */
  clearTrial(trialId: string): void {
    this.#sql.clearTrial.run(trialId);
  }

  /** A whole trial's calls: each generated turn's own, and its judges' in `verdictSet`. */
  writeTrial(trialId: string, turns: readonly TurnRecord[], verdictSet: string): void {
    const encoding = new TextEncoding(this.#textId, turnTexts(turns));
    for (const turn of turns) {
      if (turn.call) {
        const caller = turn.source === "pressurer" ? "pressurer" : "subject";
        this.#write(
          encoding,
          { trialId, turnIndex: turn.index, verdictSet: TURN_CALL, caller },
          0,
          turn.call,
          turns,
        );
      }
      this.#writeJudges(encoding, trialId, turn.index, verdictSet, turn.verdicts);
    }
  }

  /** A stored trial's judge calls in one verdict set, replacing the set's earlier ones. */
  writeVerdictSet(
    trialId: string,
    verdictSet: string,
    turns: ReadonlyArray<{ turnIndex: number; verdicts: readonly Verdict[] }>,
  ): void {
    this.#sql.clearVerdictSet.run(trialId, verdictSet);
    const known = this.#sql.trialTexts.all(trialId) as string[];
    const encoding = new TextEncoding(this.#textId, known);
    for (const turn of turns)
      this.#writeJudges(encoding, trialId, turn.turnIndex, verdictSet, turn.verdicts);
  }

  #writeJudges(
    encoding: TextEncoding,
    trialId: string,
    turnIndex: number,
    verdictSet: string,
    verdicts: readonly Verdict[],
  ): void {
    for (const verdict of verdicts) {
      const place = { trialId, turnIndex, verdictSet, caller: `judge:${verdict.judge}` };
      for (const [position, call] of (verdict.calls ?? []).entries())
        this.#write(encoding, place, position, call);
    }
  }

  /** A judge's call keeps its reply and response; a turn's are the turn's own. */
  #write(
    encoding: TextEncoding,
    place: CallPlace,
    position: number,
    call: ModelCall,
    turns?: readonly TurnRecord[],
  ): void {
    const request: StoredRequest = {
      messages:
        turns && isPrefixOf(call.messages, turns)
          ? call.messages.length
          : call.messages.map((message) => [message.role, encoding.text(message.content)]),
      settings: settingsRow(call.settings),
    };
    const isJudge = turns === undefined;
    this.#sql.insert.run(
      place.trialId,
      place.turnIndex,
      place.verdictSet,
      place.caller,
      position,
      JSON.stringify(request),
      isJudge ? JSON.stringify(encoding.text(call.reply)) : null,
      isJudge ? JSON.stringify(call.response) : null,
      call.exchange ? JSON.stringify(encoding.json(call.exchange, call.messages)) : null,
      call.failedAttempts?.length ? JSON.stringify(call.failedAttempts) : null,
    );
  }
}

interface CallPlace {
  trialId: string;
  turnIndex: number;
  verdictSet: string;
  caller: string;
}

/** The texts a trial stores for its turns, which its calls' long strings are cut around. */
function turnTexts(turns: readonly TurnRecord[]): string[] {
  return turns.flatMap((turn) =>
    turn.parsed ? [turn.content, turn.parsed.reasoning, turn.parsed.output] : [turn.content],
  );
}

interface CallRow {
  turn_index: number;
  verdict_set: string;
  caller: string;
  position: number;
  request_json: string;
  reply_json: string | null;
  response_json: string | null;
  exchange_json: string | null;
  attempts_json: string | null;
}

/** Whether the run records calls at all: runs made before the `calls` table have none. */
export function recordsCalls(database: Database.Database): boolean {
  return (
    database
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'calls'")
      .get() !== undefined
  );
}

/**
 * A trial's recorded calls: those that made its turns and its judges' in one verdict set, in turn
 * order; undefined when the run records no calls.
 */
export function readTrialCalls(
  database: Database.Database,
  trialId: string,
  verdictSet: string,
): StoredCall[] | undefined {
  if (!recordsCalls(database)) return undefined;
  const rows = database
    .prepare(
      `SELECT * FROM calls WHERE trial_id = ? AND verdict_set IN ('', ?)
       ORDER BY turn_index, verdict_set, caller, position`,
    )
    .all(trialId, verdictSet) as CallRow[];
  const requests = rows.map((row) => JSON.parse(row.request_json) as StoredRequest);
  const replies = rows.map((row) =>
    row.reply_json === null ? undefined : (JSON.parse(row.reply_json) as StoredText),
  );
  const exchanges = rows.map((row) => (row.exchange_json ? JSON.parse(row.exchange_json) : null));
  const turns = requests.some((request) => typeof request.messages === "number")
    ? trialTurnMessages(database, trialId)
    : [];
  const texts = textsById(database, [
    ...requests.flatMap((request) =>
      typeof request.messages === "number"
        ? []
        : request.messages.flatMap(([, stored]) => textIdsOfText(stored)),
    ),
    ...replies.flatMap((reply) => (reply === undefined ? [] : textIdsOfText(reply))),
    ...exchanges.flatMap((exchange) => textIdsOfJson(exchange)),
  ]);
  const decoding = new TextDecoding((id) => texts.get(id) ?? "");
  return rows.map((row, index) => {
    const request = requests[index] as StoredRequest;
    const call: StoredCall = {
      turnIndex: row.turn_index,
      verdictSet: row.verdict_set === TURN_CALL ? null : row.verdict_set,
      caller: row.caller,
      position: row.position,
      messages:
        typeof request.messages === "number"
          ? turns.slice(0, request.messages)
          : request.messages.map(([role, stored]) => ({ role, content: decoding.text(stored) })),
      settings: settingsOf(request.settings),
      failedAttempts: row.attempts_json ? JSON.parse(row.attempts_json) : [],
    };
    const reply = replies[index];
    if (reply !== undefined) call.reply = decoding.text(reply);
    if (row.response_json !== null) call.response = JSON.parse(row.response_json);
    if (exchanges[index])
      call.exchange = decoding.json(exchanges[index], call.messages) as WireExchange;
    return call;
  });
}

/**
 * A request as stored: its messages as role and text id, or as a count when they were exactly the
 * trial's first turns (a subject's call is sent the conversation so far), and its settings as
 * [temperature, top_p, max_tokens, seed, sample_index, structured output name?]: about 40 bytes for
 * a subject's call instead of 300.
 */
interface StoredRequest {
  messages: Array<[ChatMessage["role"], StoredText]> | number;
  settings: SettingsRow;
}

type SettingsRow = [number, number, number, number, number, string?];

function settingsRow(settings: CallSettings): SettingsRow {
  const row: SettingsRow = [
    settings.temperature,
    settings.top_p,
    settings.max_tokens,
    settings.seed,
    settings.sample_index,
  ];
  if (settings.structured_output !== undefined) row.push(settings.structured_output);
  return row;
}

function settingsOf(row: SettingsRow): CallSettings {
  const [temperature, top_p, max_tokens, seed, sample_index, structured_output] = row;
  const settings: CallSettings = { temperature, top_p, max_tokens, seed, sample_index };
  if (structured_output !== undefined) settings.structured_output = structured_output;
  return settings;
}

function isPrefixOf(messages: readonly ChatMessage[], turns: readonly TurnRecord[]): boolean {
  return (
    messages.length <= turns.length &&
    messages.every(
      (message, index) =>
        message.role === turns[index]?.role && message.content === turns[index]?.content,
    )
  );
}

/** A trial's turns as the messages they were sent as, in order. */
function trialTurnMessages(database: Database.Database, trialId: string): ChatMessage[] {
  return database
    .prepare(
      `SELECT turns.role AS role, texts.body AS content FROM turns
       JOIN texts ON texts.text_id = turns.content_id WHERE trial_id = ? ORDER BY turn_index`,
    )
    .all(trialId) as ChatMessage[];
}

function textsById(database: Database.Database, ids: readonly number[]): Map<number, string> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = database
    .prepare("SELECT text_id, body FROM texts WHERE text_id IN (SELECT value FROM json_each(?))")
    .all(JSON.stringify(unique)) as Array<{ text_id: number; body: string }>;
  return new Map(rows.map((row) => [row.text_id, row.body]));
}
