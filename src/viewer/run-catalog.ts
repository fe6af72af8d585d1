import { accessSync, constants, existsSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { analyzeRun, type PAdjustment, type RunAnalysis } from "../report/analyze-run.ts";
import { type Figures, renderFigures } from "../report/charts/figures.ts";
import { runDirectories } from "../store/find-runs.ts";
import { LabelQueue } from "../store/label-queue.ts";
import { type RunFacets, runFacets } from "../store/run-facets.ts";
import { DATABASE_FILE, PARTIAL_SUFFIX, RUN_VERDICT_SET, RunStore } from "../store/run-store.ts";
import type { RunList, RunSummary, UnreadableRun } from "./api-types.ts";
import { BlindTokens } from "./blind-tokens.ts";
import { summarizeRun } from "./run-summary.ts";

/** An answer the API gives as an HTTP status with a plain message. */
export class ViewerRequestError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

const RUN_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,200}$/;
/** Label queues kept at once; each holds every judged turn of a run, so they are not kept forever. */
const LABEL_QUEUES_KEPT = 16;

/**
 * The runs directory as the viewer sees it: only its direct child run directories can be opened,
 * stores stay open between requests, and what is computed from a run is cached until the run's
 * files change.
 */
export class RunCatalog {
  readonly blindTokens = new BlindTokens();
  private readonly stores = new Map<string, RunStore>();
  private readonly computed = new Map<string, { stamp: string; value: unknown }>();
  private readonly labelQueues = new Map<string, { stamp: string; queue: LabelQueue }>();

  constructor(readonly runsDir: string) {}

  list(): RunList {
    const runs: RunSummary[] = [];
    const unreadable: UnreadableRun[] = [];
    for (const directory of runDirectories(this.runsDir)) {
      const runId = basename(directory);
      try {
        runs.push(this.summary(runId));
      } catch (error) {
        unreadable.push({ runId, problem: error instanceof Error ? error.message : String(error) });
      }
    }
    return { runsDir: resolve(this.runsDir), runs: runs.reverse(), unreadable };
  }

  /** A run of the runs directory by id; anything else (paths, dot names, strangers) is unknown. */
  open(runId: string): RunStore {
    const directory = resolve(this.runsDir, runId);
    const known =
      RUN_ID.test(runId) &&
      !runId.endsWith(PARTIAL_SUFFIX) &&
      dirname(directory) === resolve(this.runsDir) &&
      existsSync(join(directory, DATABASE_FILE));
    const open = this.stores.get(runId);
    if (!known) {
      open?.close();
      this.stores.delete(runId);
      throw new ViewerRequestError(404, `no run "${runId}" in ${resolve(this.runsDir)}`);
    }
    if (open) return open;
    const store = openForViewing(directory);
    store.tuneForAnalysis();
    this.stores.set(runId, store);
    return store;
  }

  summary(runId: string): RunSummary {
    return this.cached(runId, "summary", () => summarizeRun(this.open(runId)));
  }

  /** Checks the verdict set exists before anything is computed from it. */
  verdictSet(runId: string, name: string | undefined): string {
    const verdictSet = name || RUN_VERDICT_SET;
    // The run's own set exists before its first verdict is written.
    const known = [
      ...new Set([RUN_VERDICT_SET, ...this.summary(runId).verdictSets.map((set) => set.name)]),
    ];
    if (!known.includes(verdictSet))
      throw new ViewerRequestError(
        404,
        `no verdict set "${verdictSet}" in run ${runId}; it has: ${known.join(", ")}`,
      );
    return verdictSet;
  }

  facets(runId: string): RunFacets {
    return this.cached(runId, "facets", () => runFacets(this.open(runId).database));
  }

  analysis(runId: string, verdictSet: string, adjustment: PAdjustment): RunAnalysis {
    return this.cached(runId, `analysis/${verdictSet}/${adjustment}`, () =>
      analyzeRun(this.open(runId), { verdictSet, adjustment }),
    );
  }

  figures(runId: string, verdictSet: string, adjustment: PAdjustment): Promise<Figures> {
    const key = `figures/${verdictSet}/${adjustment}`;
    const figures = this.cached(runId, key, () =>
      renderFigures(this.analysis(runId, verdictSet, adjustment)),
    );
    // A render that failed is tried again next time, not remembered.
    figures.catch(() => this.computed.delete(`${runId}/${key}`));
    return figures;
  }

  /** Rebuilt when trials finish, not when labels are added: its order ignores labels. */
  labelQueue(runId: string, labeller: string): LabelQueue {
    const store = this.open(runId);
    const stamp = JSON.stringify(store.statusCounts());
    const key = JSON.stringify([runId, labeller]);
    const hit = this.labelQueues.get(key);
    this.labelQueues.delete(key);
    // Seeded by the run's own id, as `candor label` seeds it, not by the directory's name.
    const queue =
      hit?.stamp === stamp
        ? hit.queue
        : LabelQueue.build(store.database, labeller, store.metadata().runId);
    this.labelQueues.set(key, { stamp, queue });
    for (const oldest of [...this.labelQueues.keys()].slice(0, -LABEL_QUEUES_KEPT))
      this.labelQueues.delete(oldest);
    return queue;
  }

  close(): void {
    for (const store of this.stores.values()) store.close();
    this.stores.clear();
  }

  /** Recomputes when the database or its write-ahead log changed since the value was made. */
  private cached<Value>(runId: string, name: string, compute: () => Value): Value {
    const store = this.open(runId);
    const stamp = fileStamp(join(store.directory, DATABASE_FILE));
    const key = `${runId}/${name}`;
    const hit = this.computed.get(key);
    if (hit?.stamp === stamp) return hit.value as Value;
    const value = compute();
    this.computed.set(key, { stamp, value });
    return value;
  }
}

/**
 * Read-only first: an empty or damaged database is refused and left as it is, and a run on
 * read-only media is read as it is. Browser labelling writes labels through the same store, so a
 * run whose directory can be written is then opened for writing.
 */
function openForViewing(directory: string): RunStore {
  const reader = RunStore.openForReading(directory);
  if (!canWrite(directory)) return reader;
  reader.close();
  return RunStore.open(directory);
}

function canWrite(directory: string): boolean {
  try {
    accessSync(directory, constants.W_OK);
    accessSync(join(directory, DATABASE_FILE), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function fileStamp(databaseFile: string): string {
  return [databaseFile, `${databaseFile}-wal`]
    .map((file) => {
      const stats = existsSync(file) ? statSync(file) : undefined;
      return stats ? `${stats.mtimeMs}:${stats.size}` : "-";
    })
    .join("|");
}
