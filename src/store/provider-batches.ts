/**
 * The run's ledger of provider batches (OpenAI Batch API, Anthropic Message Batches): which batch
 * holds which requests, so a resumed run waits for or reads a batch submitted before a kill instead
 * of paying for its requests again. Its own table, made when first needed, so runs made before it
 * still open and report as they were made. Every operation opens and closes its own connection:
 * writes are rare (one per batch), and the run's writer can still close and checkpoint at will.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { DATABASE_FILE } from "./run-store.ts";

export interface ProviderBatchRecord {
  batchId: string;
  provider: string;
  /** The base URL the batch went to (never a key). */
  endpoint: string;
  modelSpec: string;
  customIds: readonly string[];
  /** `submitted`, then the provider's final status (`completed`, `ended`, `failed`, `expired`…). */
  status: string;
  submittedAt: string;
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS provider_batches (
  batch_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  model_spec TEXT NOT NULL,
  custom_ids TEXT NOT NULL,
  status TEXT NOT NULL,
  submitted_at TEXT NOT NULL,
  PRIMARY KEY (provider, endpoint, batch_id)
)`;

/** Waits this long for the run's writer to finish a transaction before giving up. */
const BUSY_TIMEOUT_MS = 10_000;

export class ProviderBatches {
  readonly #file: string;

  constructor(runDirectory: string) {
    this.#file = join(runDirectory, DATABASE_FILE);
  }

  record(batch: ProviderBatchRecord): void {
    this.#use((database) =>
      database
        .prepare(
          `INSERT OR REPLACE INTO provider_batches
           (batch_id, provider, endpoint, model_spec, custom_ids, status, submitted_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          batch.batchId,
          batch.provider,
          batch.endpoint,
          batch.modelSpec,
          JSON.stringify(batch.customIds),
          batch.status,
          batch.submittedAt,
        ),
    );
  }

  setStatus(key: { provider: string; endpoint: string; batchId: string }, status: string): void {
    this.#use((database) =>
      database
        .prepare(
          "UPDATE provider_batches SET status = ? WHERE provider = ? AND endpoint = ? AND batch_id = ?",
        )
        .run(status, key.provider, key.endpoint, key.batchId),
    );
  }

  /** Every batch recorded, oldest first. */
  all(): ProviderBatchRecord[] {
    const rows = this.#use(
      (database) =>
        database
          .prepare("SELECT * FROM provider_batches ORDER BY submitted_at, rowid")
          .all() as BatchRow[],
    );
    return rows.map((row) => ({
      batchId: row.batch_id,
      provider: row.provider,
      endpoint: row.endpoint,
      modelSpec: row.model_spec,
      customIds: JSON.parse(row.custom_ids) as string[],
      status: row.status,
      submittedAt: row.submitted_at,
    }));
  }

  #use<Result>(work: (database: Database.Database) => Result): Result {
    const database = new Database(this.#file, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    try {
      database.exec(CREATE_TABLE);
      return work(database);
    } finally {
      database.close();
    }
  }
}

interface BatchRow {
  batch_id: string;
  provider: string;
  endpoint: string;
  model_spec: string;
  custom_ids: string;
  status: string;
  submitted_at: string;
}
