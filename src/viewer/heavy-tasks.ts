import { analyzeRun, declaredPrimary, type PAdjustment } from "../report/analyze-run.ts";
import { renderFigures } from "../report/charts/figures.ts";
import { compareRuns } from "../report/compare-runs.ts";
import {
  type LabelCandidate,
  type LabelCandidates,
  labelOrder,
  readLabelCandidates,
} from "../store/label-queue.ts";
import { runFacets } from "../store/run-facets.ts";
import { RunStore } from "../store/run-store.ts";
import { updateSearchIndex } from "../store/search-index.ts";
import { summarizeRun } from "./run-summary.ts";
import {
  type TrialOrderTask,
  type TrialPageTask,
  trialOrderTask,
  trialPageTask,
} from "./trial-page-task.ts";

/**
 * Work that reads a whole run, done off the request path by a worker thread (viewer-worker.ts)
 * over its own read-only connection, so one slow answer never holds up another request.
 */
export type HeavyTask =
  | { kind: "summary"; directory: string }
  | { kind: "facets"; directory: string }
  | { kind: "analysis"; directory: string; verdictSet: string; adjustment: PAdjustment }
  | { kind: "figures"; directory: string; verdictSet: string; adjustment: PAdjustment }
  | { kind: "comparison"; a: ComparedRunSide; b: ComparedRunSide; adjustment: PAdjustment }
  | ({
      /** A page of trials that scans the run: judge disagreement, a search, a sort. */
      kind: "trial-page";
      directory: string;
    } & TrialPageTask)
  | ({
      /** Every match of such a filter in the list's order, for the viewer to page through. */
      kind: "trial-order";
      directory: string;
    } & TrialOrderTask)
  | {
      /** Adds the trials written since to the run's full-text index (search-index.ts). */
      kind: "search-index";
      directory: string;
      indexFile: string;
    }
  | {
      kind: "label-order";
      directory: string;
      labeller: string;
      runId: string;
      /** The run version the caller saw; a worker reuses candidates it read at that version. */
      stamp: string;
      /** The candidates the caller holds already: they are sent back only when these differ. */
      knownDigest: string | null;
    };

export interface ComparedRunSide {
  directory: string;
  verdictSet: string;
  subject: string;
}

/** Label candidates in columns: a few strings and typed arrays, quick to copy between threads. */
export interface CandidateColumns {
  trialIds: string[];
  trialOfRow: Int32Array;
  turnOfRow: Int32Array;
  stratumOfRow: Int32Array;
  strata: string[];
}

export interface LabelOrderReply {
  digest: string;
  order: Int32Array;
  columns: CandidateColumns | null;
}

/** Candidates read per run version, so a new labeller costs only its hashing. */
const candidatesRead = new Map<string, { stamp: string; candidates: LabelCandidates }>();
const CANDIDATE_RUNS_KEPT = 2;

export async function performHeavyTask(task: HeavyTask): Promise<unknown> {
  switch (task.kind) {
    case "summary":
      return withStore(task.directory, summarizeRun);
    case "facets":
      return withStore(task.directory, (store) => runFacets(store.database));
    case "analysis":
      return withStore(task.directory, (store) => analyzeRun(store, task));
    case "figures":
      return renderFigures(withStore(task.directory, (store) => analyzeRun(store, task)));
    case "comparison":
      return withStore(task.a.directory, (a) =>
        withStore(task.b.directory, (b) =>
          compareRuns(comparedSide(a, task.a), comparedSide(b, task.b), task.adjustment),
        ),
      );
    case "label-order":
      return labelOrderReply(task);
    case "trial-page":
      return withStore(task.directory, (store) => trialPageTask(store.database, task));
    case "trial-order":
      return withStore(task.directory, (store) => trialOrderTask(store.database, task));
    case "search-index":
      return withStore(task.directory, (store) =>
        updateSearchIndex(store.database, task.indexFile),
      );
  }
}

function comparedSide(store: RunStore, side: ComparedRunSide) {
  return { ...side, database: store.database, primary: declaredPrimary(store.metadata()) };
}

function labelOrderReply(task: Extract<HeavyTask, { kind: "label-order" }>): LabelOrderReply {
  const kept = candidatesRead.get(task.directory);
  const candidates =
    kept?.stamp === task.stamp
      ? kept.candidates
      : withStore(task.directory, (store) => readLabelCandidates(store.database));
  candidatesRead.delete(task.directory);
  candidatesRead.set(task.directory, { stamp: task.stamp, candidates });
  for (const oldest of [...candidatesRead.keys()].slice(0, -CANDIDATE_RUNS_KEPT))
    candidatesRead.delete(oldest);
  return {
    digest: candidates.digest,
    order: labelOrder(candidates, task.labeller, task.runId),
    columns: candidates.digest === task.knownDigest ? null : candidateColumns(candidates),
  };
}

function withStore<Value>(directory: string, use: (store: RunStore) => Value): Value {
  const store = RunStore.openForReading(directory);
  try {
    store.tuneForAnalysis();
    return use(store);
  } finally {
    store.close();
  }
}

function candidateColumns(candidates: LabelCandidates): CandidateColumns {
  const trialIds: string[] = [];
  const trialIndex = new Map<string, number>();
  const trialOfRow = new Int32Array(candidates.rows.length);
  const turnOfRow = new Int32Array(candidates.rows.length);
  candidates.rows.forEach((row, position) => {
    let index = trialIndex.get(row.trialId);
    if (index === undefined) {
      index = trialIds.push(row.trialId) - 1;
      trialIndex.set(row.trialId, index);
    }
    trialOfRow[position] = index;
    turnOfRow[position] = row.turnIndex;
  });
  return {
    trialIds,
    trialOfRow,
    turnOfRow,
    stratumOfRow: candidates.stratumOfRow,
    strata: [...candidates.strata],
  };
}

/** The candidates again, on the receiving side: one object a turn, shared by every labeller. */
export function candidatesFromColumns(columns: CandidateColumns, digest: string): LabelCandidates {
  const strata = columns.strata.map((key) => JSON.parse(key) as [string, string]);
  const stratumOfTrial = new Map<string, number>();
  const rows: LabelCandidate[] = Array.from(columns.trialOfRow, (trial, position) => {
    const trialId = columns.trialIds[trial] as string;
    const stratum = columns.stratumOfRow[position] as number;
    const [scenario, arm] = strata[stratum] as [string, string];
    stratumOfTrial.set(trialId, stratum);
    return { trialId, turnIndex: columns.turnOfRow[position] as number, scenario, arm };
  });
  return {
    rows,
    strata: columns.strata,
    stratumOfRow: columns.stratumOfRow,
    stratumOfTrial,
    digest,
  };
}
