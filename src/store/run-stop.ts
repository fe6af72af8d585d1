import type Database from "better-sqlite3";

/** What stopped a session before every trial was done. */
export type RunStopKind = "budget" | "user" | "error-threshold" | "fatal-error" | "write-failure";

const STOP_KINDS: readonly RunStopKind[] = [
  "budget",
  "user",
  "error-threshold",
  "fatal-error",
  "write-failure",
];

/** Why the last session of a run stopped early, kept until a later session finishes. */
export interface RunStop {
  kind: RunStopKind;
  /** The reason as `candor run` printed it. */
  reason: string;
  /** When the session stopped (ISO 8601). */
  at: string;
}

/** The run_metadata key; `RunStore.metadata()` reads it back as `stop`. */
const STOP_KEY = "stop";

/** Records why a session stopped, or, given null (a session that finished), clears the record. */
export function recordRunStop(database: Database.Database, stop: RunStop | null): void {
  if (stop)
    database
      .prepare("INSERT OR REPLACE INTO run_metadata (key, value) VALUES (?, ?)")
      .run(STOP_KEY, JSON.stringify(stop));
  else database.prepare("DELETE FROM run_metadata WHERE key = ?").run(STOP_KEY);
}

/** The recorded stop, or null: none recorded (a run that finished, or one made before stops were). */
export function readRunStop(database: Database.Database): RunStop | null {
  const row = database.prepare("SELECT value FROM run_metadata WHERE key = ?").get(STOP_KEY) as
    | { value: string }
    | undefined;
  return row ? runStopOf(row.value) : null;
}

/** Read leniently: a record this version cannot read is reported as a fatal error, not thrown. */
function runStopOf(json: string): RunStop | null {
  try {
    const value = JSON.parse(json) as Partial<RunStop>;
    return {
      kind: STOP_KINDS.includes(value.kind as RunStopKind)
        ? (value.kind as RunStopKind)
        : "fatal-error",
      reason: typeof value.reason === "string" ? value.reason : "not recorded",
      at: typeof value.at === "string" ? value.at : "",
    };
  } catch {
    return null;
  }
}
