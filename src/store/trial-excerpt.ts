import type Database from "better-sqlite3";
import type { ReasoningStatus } from "../spec/verdict.ts";
import { cachedStatement } from "./cached-statement.ts";
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
  const excerpts = new Map<string, TrialExcerpt>();
  if (terms.length === 0) {
    const rows = judgedTurnStatement(database).all({
      trialIds: JSON.stringify(trialIds),
      followup: options.followup ?? null,
    }) as Array<GeneratedTurn & { trialId: string }>;
    for (const row of rows)
      excerpts.set(row.trialId, excerptOf(row, "output", collapse(row.output), 0));
    return excerpts;
  }
  const rows = searchedTurnsStatement(database).all(JSON.stringify(trialIds)) as Array<
    GeneratedTurn & { trialId: string }
  >;
  const byTrial = new Map<string, GeneratedTurn[]>();
  for (const row of rows) {
    const turns = byTrial.get(row.trialId);
    if (turns) turns.push(row);
    else byTrial.set(row.trialId, [row]);
  }
  for (const trialId of trialIds) {
    const generated = byTrial.get(trialId) ?? [];
    const excerpt = searchedExcerpt(generated, terms) ?? judgedExcerpt(generated, options.followup);
    if (excerpt) excerpts.set(trialId, excerpt);
  }
  return excerpts;
}

/**
 * Without a search, one row a trial for a whole page: the judged turn at the follow-up asked
 * for, or else the first judged turn, and only the start of its output (the excerpt shows
 * nothing else), so a page reads one text a trial, not every judged turn's output and reasoning.
 */
function judgedTurnStatement(database: Database.Database): Database.Statement {
  return cachedStatement(
    database,
    `SELECT u.trial_id AS trialId, u.turn_index AS turnIndex, u.followup AS followup,
       1 AS judged, substr(x.body, 1, ${READ_LENGTH}) AS output, NULL AS reasoning,
       u.reasoning_status AS reasoningStatus
     FROM json_each(@trialIds) page
     JOIN turns u ON u.trial_id = page.value AND u.turn_index = (
       SELECT v.turn_index FROM turns v
       WHERE v.trial_id = page.value AND v.judged = 1 AND v.output_id IS NOT NULL
       ORDER BY v.followup IS @followup DESC, v.turn_index LIMIT 1)
     JOIN texts x ON x.text_id = u.output_id`,
  );
}

/** With a search, every generated turn of the page's trials, whole: the hit may be anywhere. */
function searchedTurnsStatement(database: Database.Database): Database.Statement {
  return cachedStatement(
    database,
    `SELECT u.trial_id AS trialId, u.turn_index AS turnIndex, u.followup AS followup,
       u.judged AS judged, x.body AS output, r.body AS reasoning,
       u.reasoning_status AS reasoningStatus
     FROM turns u JOIN texts x ON x.text_id = u.output_id LEFT JOIN texts r ON r.text_id = u.reasoning_id
     WHERE u.trial_id IN (SELECT value FROM json_each(?))
     ORDER BY u.trial_id, u.turn_index`,
  );
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
