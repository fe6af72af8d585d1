import { createHash } from "node:crypto";
import type Database from "better-sqlite3";

/** Texts remembered per connection: a run repeats its prompts, scripted turns and judge headers. */
const RECENT_TEXT_LIMIT = 1024;

interface Interning {
  statement: Database.Statement;
  recent: Map<string, number>;
}

const internings = new WeakMap<Database.Database, Interning>();

/**
 * The id of `body` in the run's deduplicated `texts` table, stored if new (keyed by its SHA-256).
 * Recent texts are found by themselves, with neither a hash nor a query. Call it inside the
 * caller's transaction.
 */
export function internText(database: Database.Database, body: string): number {
  let interning = internings.get(database);
  if (!interning) {
    interning = {
      statement: database.prepare(
        "INSERT INTO texts (hash, body) VALUES (?, ?) ON CONFLICT (hash) DO UPDATE SET hash = hash RETURNING text_id",
      ),
      recent: new Map(),
    };
    internings.set(database, interning);
  }
  const known = interning.recent.get(body);
  if (known !== undefined) return known;
  const hash = createHash("sha256").update(body).digest();
  const { text_id: id } = interning.statement.get(hash, body) as { text_id: number };
  if (interning.recent.size >= RECENT_TEXT_LIMIT) interning.recent.clear();
  interning.recent.set(body, id);
  return id;
}
