import type Database from "better-sqlite3";
import type { ReasoningStatus } from "../spec/verdict.ts";
import { searchTerms } from "./search-query.ts";

/** Characters of text an excerpt shows, cut by the server so a page of trials stays small. */
export const EXCERPT_LENGTH = 160;
/** Characters read of a text when no search asks where to cut it. */
const READ_LENGTH = EXCERPT_LENGTH * 4;
/** How far before a search's hit the excerpt starts. */
const LEAD = 50;

/** A glimpse of a trial's judged output, shown in the trial list. Untrusted model text. */
export interface TrialExcerpt {
  followup: number;
  turnIndex: number;
  /** The output, or the reasoning when a search matched only there. */
  part: "output" | "reasoning";
  /** At most EXCERPT_LENGTH characters, whitespace collapsed, "…" where cut. */
  text: string;
  /** The parser's reading of the turn's reasoning: present, missing, empty or hidden. */
  reasoningStatus: ReasoningStatus | null;
}

interface GeneratedTurn {
  turnIndex: number;
  followup: number;
  judged: number;
  output: string;
  reasoning: string | null;
  reasoningStatus: ReasoningStatus | null;
}

/**
 * Each trial's excerpt: with a search, the first generated turn whose output (or else reasoning)
 * holds the search's first term, cut around it; otherwise the first judged turn at `followup`
 * (or the first judged turn), from its start.
 */
export function trialExcerpts(
  database: Database.Database,
  trialIds: readonly string[],
  options: { followup?: number; search?: string },
): Map<string, TrialExcerpt> {
  const terms = options.search ? searchTerms(options.search).map(collapse) : [];
  const rows = turnsStatement(database, terms.length > 0).all(JSON.stringify(trialIds)) as Array<
    GeneratedTurn & { trialId: string }
  >;
  const byTrial = new Map<string, GeneratedTurn[]>();
  for (const row of rows) {
    const turns = byTrial.get(row.trialId);
    if (turns) turns.push(row);
    else byTrial.set(row.trialId, [row]);
  }
  const excerpts = new Map<string, TrialExcerpt>();
  for (const trialId of trialIds) {
    const generated = byTrial.get(trialId) ?? [];
    const excerpt = searchedExcerpt(generated, terms) ?? judgedExcerpt(generated, options.followup);
    if (excerpt) excerpts.set(trialId, excerpt);
  }
  return excerpts;
}

const statements = new WeakMap<Database.Database, Map<boolean, Database.Statement>>();

/**
 * Prepared once per connection; one query for a whole page of trials. A search reads every
 * generated turn whole (the hit may be anywhere); otherwise only judged turns, and only the start
 * of their texts.
 */
function turnsStatement(database: Database.Database, searching: boolean): Database.Statement {
  let prepared = statements.get(database);
  if (!prepared) {
    prepared = new Map();
    statements.set(database, prepared);
  }
  let statement = prepared.get(searching);
  if (!statement) {
    const read = (column: string) => (searching ? column : `substr(${column}, 1, ${READ_LENGTH})`);
    statement = database.prepare(
      `SELECT u.trial_id AS trialId, u.turn_index AS turnIndex, u.followup AS followup,
         u.judged AS judged,
         ${read("x.body")} AS output, ${read("r.body")} AS reasoning,
         u.reasoning_status AS reasoningStatus
       FROM turns u JOIN texts x ON x.text_id = u.output_id LEFT JOIN texts r ON r.text_id = u.reasoning_id
       WHERE u.trial_id IN (SELECT value FROM json_each(?)) ${searching ? "" : "AND u.judged = 1"}
       ORDER BY u.trial_id, u.turn_index`,
    );
    prepared.set(searching, statement);
  }
  return statement;
}

function judgedExcerpt(turns: GeneratedTurn[], followup?: number): TrialExcerpt | undefined {
  const judged = turns.filter((turn) => turn.judged === 1);
  const turn = judged.find((candidate) => candidate.followup === followup) ?? judged[0];
  return turn ? excerptOf(turn, "output", collapse(turn.output), 0) : undefined;
}

function searchedExcerpt(turns: GeneratedTurn[], terms: string[]): TrialExcerpt | undefined {
  // A phrase may span punctuation the index ignores ("wire, transfer"): then its first word.
  const needles = [...new Set([terms[0], terms[0]?.split(" ")[0]])].filter(
    (needle): needle is string => Boolean(needle),
  );
  for (const needle of needles) {
    for (const turn of turns) {
      for (const part of ["output", "reasoning"] as const) {
        const text = collapse(turn[part] ?? "");
        const position = text.toLowerCase().indexOf(needle.toLowerCase());
        if (position >= 0) return excerptOf(turn, part, text, position);
      }
    }
  }
  return undefined;
}

function excerptOf(
  turn: GeneratedTurn,
  part: TrialExcerpt["part"],
  text: string,
  hit: number,
): TrialExcerpt {
  let start = Math.max(0, hit - LEAD);
  // Start at a word where one begins close by, not in the middle of one.
  const space = start > 0 ? text.indexOf(" ", start) : -1;
  if (space >= 0 && space < hit) start = space + 1;
  const end = Math.min(text.length, start + EXCERPT_LENGTH);
  return {
    followup: turn.followup,
    turnIndex: turn.turnIndex,
    part,
    text: `${start > 0 ? "…" : ""}${text.slice(start, end)}${end < text.length ? "…" : ""}`,
    reasoningStatus: turn.reasoningStatus,
  };
}

function collapse(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
