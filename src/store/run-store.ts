import { existsSync, mkdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { LoadedScenario } from "../spec/load-scenario.ts";
import { type MeasurementDesign, recordedDesign } from "../spec/measurement-design.ts";
import type { TrialIdentity, TrialResult } from "../spec/trial-record.ts";
import { readTrials } from "./read-trials.ts";
import { acquireRunLock } from "./run-lock.ts";
import type { RunStop } from "./run-stop.ts";
import { STORE_SCHEMA, STORE_SCHEMA_VERSION } from "./schema.ts";
import { type TrialRow, trialIdentityFromRow } from "./trial-row.ts";
import { writeTrialResults } from "./write-trial-result.ts";

export const DATABASE_FILE = "run.sqlite";
/** The verdict set written while a run runs; re-judging adds others beside it. */
export const RUN_VERDICT_SET = "run";
/** Where a run is built before it is renamed into place; such a directory is never a run. */
export const PARTIAL_SUFFIX = ".partial";

/** A run database that cannot be read (empty, damaged, not candor's); the file is left as it is. */
export class UnreadableRunError extends Error {
  override readonly name = "UnreadableRunError";
}

export interface RunMetadata {
  runId: string;
  experimentId: string;
  title: string;
  createdAt: string;
  candorVersion: string;
  gitRevision: string | null;
  experimentFile: string;
  experimentHash: string;
  /** The experiment as run, after command-line overrides. */
  experiment: unknown;
  subjects: string[];
  judges: string[];
  /** How the run measured; runs made before designs were recorded read back as the legacy one. */
  design: MeasurementDesign;
  simulated: boolean;
  schemaVersion: number;
  /** Command-line settings the run was started with that `resume` reuses; absent in older runs. */
  commandLine?: RunCommandLine;
  /** Why the last session stopped before every trial was done; absent once one finishes. */
  stop?: RunStop;
}

/** What `resume` needs of the original command line to reach the same servers. Never keys. */
export interface RunCommandLine {
  /** `--base-url`. */
  base_url?: string;
  /** `--max-concurrency`. */
  max_concurrency?: number;
}

/** One run directory's SQLite database: the plan, every trial, turn, verdict and outcome. */
export class RunStore {
  private releaseLock: (() => void) | undefined;

  private constructor(
    readonly directory: string,
    readonly database: Database.Database,
  ) {}

  /**
   * Creates a run directory with its metadata, scenario texts and whole plan, atomically: it is
   * built under a temporary name and renamed into place, so a kill at any moment leaves either a
   * complete, resumable run or nothing under the final name.
   */
  static create(
    directory: string,
    metadata: RunMetadata,
    scenarios: readonly LoadedScenario[],
    plans: readonly TrialIdentity[],
  ): RunStore {
    const building = `${directory}${PARTIAL_SUFFIX}`;
    try {
      buildRun(building, metadata, scenarios, plans);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `could not create the run directory ${directory} (${reason}); nothing ran, remove ${building} and run again`,
      );
    }
    renameSync(building, directory);
    return RunStore.open(directory);
  }

  static open(directory: string): RunStore {
    const file = join(directory, DATABASE_FILE);
    if (!existsSync(file))
      throw new Error(`${directory} is not a run directory (no ${DATABASE_FILE})`);
    // An empty or damaged file is refused before anything could write to it.
    openReadOnly(file).close();
    const database = openDatabase(file);
    // Tables added since a run was made (all CREATE ... IF NOT EXISTS) appear on first open.
    database.exec(STORE_SCHEMA);
    return new RunStore(directory, database);
  }

  /**
   * Opens a run for reading only (ls, report, export, validate-judge, the viewer): no schema
   * statement runs and nothing is written, so runs on read-only media can be read, and an empty or
   * damaged database is reported (UnreadableRunError, naming the file) and left as it is.
   */
  static openForReading(directory: string): RunStore {
    const file = join(directory, DATABASE_FILE);
    if (!existsSync(file))
      throw new Error(`${directory} is not a run directory (no ${DATABASE_FILE})`);
    return new RunStore(directory, openReadOnly(file));
  }

  metadata(): RunMetadata {
    const rows = this.database.prepare("SELECT key, value FROM run_metadata").all() as Array<{
      key: string;
      value: string;
    }>;
    const metadata = Object.fromEntries(rows.map((row) => [row.key, JSON.parse(row.value)]));
    if (metadata.schemaVersion !== STORE_SCHEMA_VERSION) {
      throw new Error(
        `${this.directory}: store version ${metadata.schemaVersion} is not ${STORE_SCHEMA_VERSION}`,
      );
    }
    return { ...metadata, design: recordedDesign(metadata.design) } as RunMetadata;
  }

  /** Adds any planned trial the store lacks; trials already there are left as they are. */
  planTrials(plans: readonly TrialIdentity[]): void {
    insertPlan(this.database, plans);
  }

  /** Trials still to run, in plan order: pending ones, and errored ones when asked. */
  unfinishedTrials(
    options: { includeErrors?: boolean } = { includeErrors: true },
  ): TrialIdentity[] {
    const statuses = options.includeErrors ? "('pending', 'error')" : "('pending')";
    const rows = this.database
      .prepare(`SELECT * FROM trials WHERE status IN ${statuses} ORDER BY ordinal`)
      .all() as TrialRow[];
    return rows.map(trialIdentityFromRow);
  }

  /** Writes a trial and all its turns in one transaction: a trial is stored whole or not at all. */
  saveTrial(result: TrialResult): void {
    this.saveTrials([result]);
  }

  /** Several trials in one transaction (one commit), each whole; all of them or none. */
  saveTrials(results: readonly TrialResult[]): void {
    writeTrialResults(this.database, results, RUN_VERDICT_SET);
  }

  statusCounts(): Record<"pending" | "complete" | "error", number> {
    const counts = { pending: 0, complete: 0, error: 0 };
    const rows = this.database
      .prepare("SELECT status, COUNT(*) AS n FROM trials GROUP BY status")
      .all() as Array<{ status: keyof typeof counts; n: number }>;
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  /** statusCounts for each subject. */
  statusCountsBySubject(): Map<string, Record<"pending" | "complete" | "error", number>> {
    const rows = this.database
      .prepare("SELECT subject, status, COUNT(*) AS n FROM trials GROUP BY subject, status")
      .all() as Array<{ subject: string; status: "pending" | "complete" | "error"; n: number }>;
    const bySubject = new Map<string, Record<"pending" | "complete" | "error", number>>();
    for (const row of rows) {
      const counts = bySubject.get(row.subject) ?? { pending: 0, complete: 0, error: 0 };
      counts[row.status] = row.n;
      bySubject.set(row.subject, counts);
    }
    return bySubject;
  }

  /** Streams every trial with its turns, in plan order, without holding the run in memory. */
  trials(verdictSet = RUN_VERDICT_SET): IterableIterator<TrialResult> {
    return readTrials(this.database, verdictSet);
  }

  /**
   * For reading a whole run several times over (reports): an 8 MB page cache. Memory-mapped reads
   * and a larger cache were tried and dropped: the passes are sequential scans the OS page cache
   * serves as well, and mapped pages count against the process's memory (a 100k-trial report
   * reached 770 MB with 128 MB of cache and 256 MB mapped, 410 MB without, in the same time).
   */
  tuneForAnalysis(): void {
    this.database.pragma("cache_size = -8192");
  }

  /** Makes this process the run's only writer until close(); throws RunLockedError otherwise. */
  lockForWriting(): void {
    this.releaseLock ??= acquireRunLock(this.directory);
  }

  close(): void {
    this.releaseLock?.();
    this.releaseLock = undefined;
    if (this.database.readonly) this.database.close();
    else closeDatabase(this.database);
  }
}

/** Writes a new run's database, whole, under its temporary name. */
function buildRun(
  building: string,
  metadata: RunMetadata,
  scenarios: readonly LoadedScenario[],
  plans: readonly TrialIdentity[],
): void {
  mkdirSync(building, { recursive: true });
  const database = openDatabase(join(building, DATABASE_FILE));
  try {
    database.exec(STORE_SCHEMA);
    database.transaction(() => {
      const insertMetadata = database.prepare(
        "INSERT INTO run_metadata (key, value) VALUES (?, ?)",
      );
      for (const [key, value] of Object.entries(metadata))
        insertMetadata.run(key, JSON.stringify(value));
      const insertScenario = database.prepare(
        "INSERT INTO scenarios (scenario_id, content_hash, file, source_json) VALUES (?, ?, ?, ?)",
      );
      for (const scenario of scenarios) {
        insertScenario.run(scenario.spec.id, scenario.contentHash, scenario.file, scenario.source);
      }
    })();
    insertPlan(database, plans);
  } finally {
    closeDatabase(database);
  }
}

function insertPlan(database: Database.Database, plans: readonly TrialIdentity[]): void {
  const insert = database.prepare(
    `INSERT OR IGNORE INTO trials (trial_id, ordinal, subject, scenario_id, levels_json, arm, sample, seed, status)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending')`,
  );
  database.transaction(() => {
    plans.forEach((plan, ordinal) => {
      insert.run(
        plan.trialId,
        ordinal,
        plan.subject,
        plan.scenarioId,
        JSON.stringify(plan.levels),
        plan.arm,
        plan.sample,
        plan.seed,
      );
    });
  })();
}

/**
 * A writer leaves the database in rollback-journal mode when it closes, so it can be read where no
 * write-ahead log can be made (a read-only mount). Another connection still open keeps it in WAL.
 */
function closeDatabase(database: Database.Database): void {
  try {
    database.pragma("wal_checkpoint(TRUNCATE)");
    database.pragma("journal_mode = DELETE");
  } catch {
    // Busy (a reader is open, a full disk): the log stays and is replayed on the next open.
  }
  database.close();
}

function openReadOnly(file: string): Database.Database {
  const unreadable = (problem: string) =>
    new UnreadableRunError(
      `${file}: not a readable run database (${problem}); it was left as it is`,
    );
  if (statSync(file).size === 0) throw unreadable("the file is empty");
  let database: Database.Database;
  try {
    database = new Database(file, { readonly: true, fileMustExist: true });
    database.prepare("SELECT COUNT(*) FROM sqlite_master").get();
  } catch (error) {
    const code = (error as { code?: string }).code;
    // A run written in WAL mode on media that cannot hold the log: read it from memory.
    if (code !== "SQLITE_CANTOPEN") throw unreadable((error as Error).message);
    database = openInMemory(file, unreadable);
  }
  try {
    database.pragma("foreign_keys = ON");
    addMissingTablesForReading(database);
  } catch (error) {
    database.close();
    throw unreadable((error as Error).message);
  }
  return database;
}

function openInMemory(file: string, unreadable: (problem: string) => Error): Database.Database {
  const bytes = readFileSync(file);
  // Bytes 18 and 19 say WAL (2) or rollback journal (1); memory holds no log.
  if (bytes.length > 19) bytes[18] = bytes[19] = 1;
  try {
    const database = new Database(bytes);
    database.prepare("SELECT COUNT(*) FROM sqlite_master").get();
    return database;
  } catch (error) {
    throw unreadable((error as Error).message);
  }
}

/**
 * A run made before a table was added lacks it; a reader sees it empty, as a temporary table,
 * instead of adding it to the file (the writer's open adds it for good).
 */
function addMissingTablesForReading(database: Database.Database): void {
  const present = new Set(
    (
      database.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{
        name: string;
      }>
    ).map((row) => row.name),
  );
  if (!present.has("run_metadata") || !present.has("trials"))
    throw new Error("it has no run_metadata or trials table");
  for (const statement of STORE_SCHEMA.split(";")) {
    const table = /CREATE TABLE IF NOT EXISTS (\w+)/.exec(statement)?.[1];
    if (table && !present.has(table)) {
      const temporary = statement
        .replace(/--.*$/gm, "")
        .replace("CREATE TABLE", "CREATE TEMP TABLE")
        .replace(/,\s*FOREIGN KEY[^\n]*\n/g, "\n")
        .replace(/ REFERENCES \w+\([^)]*\)/g, "");
      database.exec(temporary);
    }
  }
}

function openDatabase(file: string): Database.Database {
  const database = new Database(file);
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.pragma("foreign_keys = ON");
  return database;
}
