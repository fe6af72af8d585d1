import { createHash } from "node:crypto";
import { accessSync, constants, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";

/**
 * The full-text index of a run's texts lives in its own file beside run.sqlite, not in it: the
 * viewer opens many runs read-only, and a write to run.sqlite would count as a new run version.
 */
export const SEARCH_INDEX_FILE = "search-index.sqlite";
/**
 * Where a run's index is kept: in its directory, or, for a run the viewer cannot write to (on
 * read-only media, someone else's), in the system's temporary folder under a name from its path.
 */
export function searchIndexLocation(directory: string): string {
  try {
    accessSync(directory, constants.W_OK);
    return join(directory, SEARCH_INDEX_FILE);
  } catch {
    const folder = join(tmpdir(), "candor-search-indexes");
    mkdirSync(folder, { recursive: true });
    const name = createHash("sha256").update(resolve(directory)).digest("hex").slice(0, 32);
    return join(folder, `${name}.sqlite`);
  }
}

/** The layout below; an index of another version is dropped and built again. */
const SEARCH_INDEX_VERSION = 3;

/**
 * Contentless (the bodies stay in run.sqlite): text_search holds only the words of each generated
 * turn's output and reasoning, once per text (texts are stored once), keyed by text_id;
 * indexed_texts says which texts it has. text_trials says which trials (by ordinal) have a text
 * as a generated turn's output or reasoning, so a search reaches its trials through an index
 * instead of scanning every turn. Other texts (scripted turns, stored requests) are left out.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS search_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS text_search USING fts5(
  body, content = '', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS indexed_texts (text_id INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS text_trials (
  text_id INTEGER NOT NULL,
  trial_ordinal INTEGER NOT NULL,
  PRIMARY KEY (text_id, trial_ordinal)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS text_trials_by_trial ON text_trials(trial_ordinal);
`;

/**
 * Which run, and how far: a trial's turns change only when it is written, which sets its
 * finished_at, so the latest finished_at seen says which trials are new since.
 */
interface IndexState {
  version: number;
  run: string;
  /** Null before the first update: every finished trial is new then. */
  lastFinishedAt: string | null;
}

/**
 * Brings the index up to date with the run: trials written since the last update are mapped to
 * their texts, and texts not indexed yet are added; an index made for another run (a directory
 * reused) or another layout is built again from scratch; a damaged one is replaced. Safe to call
 * from two threads at once: the second waits and finds little left to do.
 */
export function updateSearchIndex(
  run: Database.Database,
  indexFile: string,
): { texts: number; added: number } {
  try {
    return updateIndexFile(run, indexFile);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== "SQLITE_NOTADB" && code !== "SQLITE_CORRUPT") throw error;
    // The index is ours and can be made again from the run: a damaged one is replaced.
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${indexFile}${suffix}`, { force: true });
    return updateIndexFile(run, indexFile);
  }
}

function updateIndexFile(
  run: Database.Database,
  indexFile: string,
): { texts: number; added: number } {
  const index = new Database(indexFile);
  try {
    index.pragma("busy_timeout = 60000");
    // A rollback journal, not a write-ahead log: readers attach the index read-only, and the
    // last connection to close a log must be able to write, or the log stays in the run's folder.
    index.pragma("journal_mode = DELETE");
    index.exec(SCHEMA);
    const identity = runIdentity(run);
    let added = 0;
    index
      .transaction(() => {
        let state = readState(index);
        if (state?.version !== SEARCH_INDEX_VERSION || state.run !== identity) {
          // A contentless table cannot DELETE rows; 'delete-all' is its way to empty itself.
          index.exec("INSERT INTO text_search (text_search) VALUES ('delete-all')");
          index.exec("DELETE FROM text_trials; DELETE FROM indexed_texts;");
          state = { version: SEARCH_INDEX_VERSION, run: identity, lastFinishedAt: null };
        }
        const { latest, newTexts } = mapTrials(run, index, state.lastFinishedAt);
        added = indexTexts(run, index, newTexts);
        writeState(index, { ...state, lastFinishedAt: latest });
      })
      .immediate();
    const { n } = index.prepare("SELECT COUNT(*) AS n FROM indexed_texts").get() as { n: number };
    return { texts: n, added };
  } finally {
    index.close();
  }
}

/**
 * Maps the trials finished since `since` (all finished ones when null) to their generated turns'
 * output and reasoning texts, replacing what a trial written again had. Returns the latest
 * finished_at seen and the texts met for the first time.
 */
function mapTrials(
  run: Database.Database,
  index: Database.Database,
  since: string | null,
): { latest: string | null; newTexts: number[] } {
  const forget = index.prepare("DELETE FROM text_trials WHERE trial_ordinal = ?");
  const map = index.prepare(
    "INSERT OR IGNORE INTO text_trials (text_id, trial_ordinal) VALUES (?, ?)",
  );
  const remember = index.prepare("INSERT OR IGNORE INTO indexed_texts (text_id) VALUES (?)");
  // Trials finished in the same millisecond as the last update are mapped again: no harm.
  const rows = run
    .prepare(
      `SELECT t.ordinal AS ordinal, t.finished_at AS finishedAt, u.output_id AS outputId,
         u.reasoning_id AS reasoningId
       FROM trials t LEFT JOIN turns u ON u.trial_id = t.trial_id AND u.output_id IS NOT NULL
       WHERE t.status != 'pending' AND (? IS NULL OR t.finished_at >= ?)`,
    )
    .iterate(since, since) as IterableIterator<{
    ordinal: number;
    finishedAt: string | null;
    outputId: number | null;
    reasoningId: number | null;
  }>;
  let latest = since;
  const forgotten = new Set<number>();
  const newTexts: number[] = [];
  const add = (textId: number | null, ordinal: number) => {
    if (textId === null) return;
    map.run(textId, ordinal);
    if (remember.run(textId).changes === 1) newTexts.push(textId);
  };
  for (const row of rows) {
    if (since !== null && !forgotten.has(row.ordinal)) {
      forget.run(row.ordinal);
      forgotten.add(row.ordinal);
    }
    if (row.finishedAt !== null && (latest === null || row.finishedAt > latest))
      latest = row.finishedAt;
    add(row.outputId, row.ordinal);
    add(row.reasoningId, row.ordinal);
  }
  return { latest, newTexts };
}

/** Adds the words of texts to the full-text table; after the scan, as its connection is free. */
function indexTexts(run: Database.Database, index: Database.Database, textIds: number[]): number {
  const body = run.prepare("SELECT body FROM texts WHERE text_id = ?").pluck();
  const insert = index.prepare("INSERT INTO text_search (rowid, body) VALUES (?, ?)");
  for (const textId of textIds) insert.run(textId, (body.get(textId) as string | undefined) ?? "");
  return textIds.length;
}

/** Makes the index readable as `search` on a run's connection (read-only if the run's is). */
export function attachSearchIndex(run: Database.Database, indexFile: string): void {
  const attached = run.prepare("PRAGMA database_list").all() as Array<{ name: string }>;
  if (attached.some((database) => database.name === "search")) return;
  run.prepare("ATTACH DATABASE ? AS search").run(indexFile);
}

function runIdentity(run: Database.Database): string {
  const rows = run
    .prepare("SELECT key, value FROM run_metadata WHERE key IN ('runId', 'createdAt') ORDER BY key")
    .all() as Array<{ value: string }>;
  return rows.map((row) => row.value).join(" ");
}

function readState(index: Database.Database): IndexState | undefined {
  const row = index.prepare("SELECT value FROM search_state WHERE key = 'state'").get() as
    | { value: string }
    | undefined;
  return row ? (JSON.parse(row.value) as IndexState) : undefined;
}

function writeState(index: Database.Database, state: IndexState): void {
  index
    .prepare("INSERT OR REPLACE INTO search_state (key, value) VALUES ('state', ?)")
    .run(JSON.stringify(state));
}
