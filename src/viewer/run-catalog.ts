import { existsSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { analyzeRun, type PAdjustment, type RunAnalysis } from "../report/analyze-run.ts";
import { type Figures, renderFigures } from "../report/charts/figures.ts";
import { usageSummary } from "../report/usage-summary.ts";
import type { ModelSettings } from "../spec/experiment.ts";
import { runDirectories } from "../store/find-runs.ts";
import { LabelQueue } from "../store/label-queue.ts";
import { type RunFacets, runFacets } from "../store/run-facets.ts";
import { DATABASE_FILE, RUN_VERDICT_SET, RunStore } from "../store/run-store.ts";
import { verdictSets } from "../store/write-verdict-set.ts";
import type { RunList, RunSummary, UnreadableRun } from "./api-types.ts";

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

/**
 * The runs directory as the viewer sees it: only its direct child run directories can be opened,
 * stores stay open between requests, and analyses are cached until the run's files change.
 */
export class RunCatalog {
  private readonly stores = new Map<string, RunStore>();
  private readonly analyses = new Map<string, { stamp: string; value: Promise<unknown> }>();
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
      dirname(directory) === resolve(this.runsDir) &&
      existsSync(join(directory, DATABASE_FILE));
    const open = this.stores.get(runId);
    if (!known) {
      open?.close();
      this.stores.delete(runId);
      throw new ViewerRequestError(404, `no run "${runId}" in ${resolve(this.runsDir)}`);
    }
    if (open) return open;
    const store = RunStore.open(directory);
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
        `no verdict set "${verdictSet}" in run ${runId}; it has: ${known.join(", ") || "none"}`,
      );
    return verdictSet;
  }

  /** Rebuilt when trials finish, not when labels are added: its order ignores labels. */
  labelQueue(runId: string, labeller: string): LabelQueue {
    const store = this.open(runId);
    const stamp = JSON.stringify(store.statusCounts());
    const key = `${runId}/${labeller}`;
    const hit = this.labelQueues.get(key);
    if (hit?.stamp === stamp) return hit.queue;
    const queue = LabelQueue.build(store.database, labeller, store.metadata().runId);
    this.labelQueues.set(key, { stamp, queue });
    return queue;
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
    return this.cached(runId, `figures/${verdictSet}/${adjustment}`, () =>
      renderFigures(this.analysis(runId, verdictSet, adjustment)),
    );
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
    const hit = this.analyses.get(key);
    if (hit?.stamp === stamp) return hit.value as Value;
    const value = compute();
    this.analyses.set(key, { stamp, value: value as Promise<unknown> });
    return value;
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

function summarizeRun(store: RunStore): RunSummary {
  const metadata = store.metadata();
  const settings = (metadata.experiment as { models?: Record<string, ModelSettings> }).models ?? {};
  const costs = usageSummary(store.database, settings).map((usage) => usage.costUsd);
  const { labels } = store.database
    .prepare("SELECT COUNT(*) AS labels FROM human_labels")
    .get() as {
    labels: number;
  };
  return {
    runId: metadata.runId,
    title: metadata.title,
    experimentId: metadata.experimentId,
    createdAt: metadata.createdAt,
    subjects: metadata.subjects,
    verdictSets: verdictSets(store.database).map(({ verdictSet, turns }) => ({
      name: verdictSet,
      turns,
      judges: judgesOf(store, verdictSet, metadata.judges),
    })),
    simulated: metadata.simulated,
    status: store.statusCounts(),
    costUsd: costs.includes(null)
      ? null
      : costs.reduce<number>((sum, cost) => sum + (cost as number), 0),
    humanLabels: labels,
  };
}

function judgesOf(store: RunStore, verdictSet: string, runJudges: string[]): string[] {
  if (verdictSet === RUN_VERDICT_SET) return runJudges;
  return (
    store.database
      .prepare(
        "SELECT judge FROM verdicts WHERE verdict_set = ? GROUP BY judge ORDER BY MIN(position)",
      )
      .all(verdictSet) as Array<{ judge: string }>
  ).map((row) => row.judge);
}
