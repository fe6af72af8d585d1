import type Database from "better-sqlite3";

/** Statements kept a connection: the trial list's queries differ only by which filters are set. */
const STATEMENTS_KEPT = 64;

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * The connection's prepared statement for this SQL, prepared once: preparing costs a page of
 * trials about as much as one of its queries. SQL text only; values are always bound.
 */
export function cachedStatement(database: Database.Database, sql: string): Database.Statement {
  let prepared = statements.get(database);
  if (!prepared) {
    prepared = new Map();
    statements.set(database, prepared);
  }
  let statement = prepared.get(sql);
  if (!statement) {
    statement = database.prepare(sql);
    // The oldest goes first (a Map keeps insertion order): filters are combined freely.
    if (prepared.size >= STATEMENTS_KEPT) prepared.delete(prepared.keys().next().value as string);
    prepared.set(sql, statement);
  }
  return statement;
}
