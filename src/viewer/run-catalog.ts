import { accessSync, constants, existsSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { PAdjustment, RunAnalysis } from "../report/analyze-run.ts";
import type { Figures } from "../report/charts/figures.ts";
import type { compareRuns } from "../report/compare-runs.ts";
import { runDirectories } from "../store/find-runs.ts";
import { countTrials, findTrials, type TrialFilter, trialsAt } from "../store/find-trials.ts";
import { type LabelCandidates, LabelQueue } from "../store/label-queue.ts";
import type { RunFacets } from "../store/run-facets.ts";
import { type RunStop, readRunStop } from "../store/run-stop.ts";
import { DATABASE_FILE, PARTIAL_SUFFIX, RUN_VERDICT_SET, RunStore } from "../store/run-store.ts";
import { searchIndexLocation } from "../store/search-index.ts";
import { positionAfter } from "../store/trial-order.ts";
import { sortsInPlanOrder, type TrialSort } from "../store/trial-sort.ts";
import type { RunList, RunSummary, UnreadableRun } from "./api-types.ts";
import { BlindTokens } from "./blind-tokens.ts";
import { FreshValues } from "./fresh-values.ts";
import {
  type ComparedRunSide,
  candidatesFromColumns,
  type LabelOrderReply,
} from "./heavy-tasks.ts";
import { summarizeRun } from "./run-summary.ts";
import type { FoundTrials } from "./trial-page-task.ts";
import { WorkerPool } from "./worker-pool.ts";

/** An answer the API gives as an HTTP status with a plain message. */
export class ViewerRequestError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

type ComparedRunRequest = Omit<ComparedRunSide, "directory"> & { runId: string };

const RUN_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,200}$/;
/**
 * Labellers whose queue is kept. A queue holds one reference a judged turn (the turns themselves
 * are shared by every labeller of a run), so this bounds the memory labellers can take.
 */
export const LABEL_QUEUES_KEPT = 16;
/** Values computed from runs kept at once (analyses, figures, comparisons, summaries). */
const COMPUTED_KEPT = 64;
/** Trial-list counts and orders kept at once (an order is 4 bytes a matching trial). */
const TRIAL_LISTS_KEPT = 16;

/**
 * The runs directory as the viewer sees it: only its direct child run directories can be opened,
 * stores stay open between requests, and what is computed from a run is cached until the run's
 * files change. Whatever reads a whole run (analysis, figures, comparison, a labeller's order) is
 * computed by worker threads, so light requests never wait behind it; identical requests made
 * while it is computed share that one computation.
 */
export class RunCatalog {
  readonly blindTokens = new BlindTokens();
  private readonly stores = new Map<string, RunStore>();
  private readonly labelQueues = new Map<string, { stamp: string; queue: Promise<LabelQueue> }>();
  /** Each run's judged turns, shared by its labellers' queues. */
  private readonly labelCandidates = new Map<string, LabelCandidates>();
  private readonly computed = new FreshValues(COMPUTED_KEPT);
  /** What the trial list counted or ordered, per run version, filter and sort. */
  private readonly trialLists = new FreshValues(TRIAL_LISTS_KEPT);
  /** Threads for analyses, figures, comparisons and labellers' orders. */
  readonly workers: WorkerPool;
  /** A thread of its own for summaries and facets, so a list never waits behind an analysis. */
  readonly summaryWorker = new WorkerPool(1);

  constructor(
    readonly runsDir: string,
    options: { workerThreads?: number } = {},
  ) {
    this.workers = new WorkerPool(options.workerThreads);
  }

  /** The runs list, summarized on this thread: for tools and tests, not for serving. */
  list(): RunList {
    return this.listWith((runId) => summarizeRun(this.open(runId)));
  }

  /** The runs list as the API serves it: summaries from a worker, cached per run version. */
  async listRuns(): Promise<RunList> {
    const runIds = runDirectories(this.runsDir).map((directory) => basename(directory));
    const summaries = new Map<string, RunSummary | Error>();
    await Promise.all(
      runIds.map(async (runId) => {
        const summary = await Promise.resolve()
          .then(() => this.summary(runId))
          .catch((error: Error) => error);
        summaries.set(runId, summary);
      }),
    );
    return this.listWith((runId) => {
      const summary = summaries.get(runId);
      if (summary instanceof Error || summary === undefined) throw summary;
      return summary;
    }, runIds);
  }

  private listWith(
    summarize: (runId: string) => RunSummary,
    runIds = runDirectories(this.runsDir).map((directory) => basename(directory)),
  ): RunList {
    const runs: RunSummary[] = [];
    const unreadable: UnreadableRun[] = [];
    for (const runId of runIds) {
      try {
        runs.push(summarize(runId));
      } catch (error) {
        unreadable.push({ runId, problem: error instanceof Error ? error.message : String(error) });
      }
    }
    return { runsDir: resolve(this.runsDir), runs: runs.reverse(), unreadable };
  }

  /** A cheap version of a run (its database files' times and sizes): changes when it is written. */
  version(runId: string): string {
    return this.stampOf(runId);
  }

  /** Trial counts and the recorded stop: one indexed count, done again only when the run changes. */
  completionFacts(runId: string): Promise<Pick<RunSummary, "status"> & { stop: RunStop | null }> {
    const store = this.open(runId);
    return this.cached(runId, "completion", async () => ({
      status: store.statusCounts(),
      stop: readRunStop(store.database),
    }));
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

  summary(runId: string): Promise<RunSummary> {
    const directory = this.open(runId).directory;
    return this.cached(runId, "summary", () =>
      this.summaryWorker.run({ kind: "summary", directory }),
    );
  }

  /**
   * The run's summary as last computed, perhaps one version old (a fresh one is started): for
   * answers about one trial or page, which should not wait for a summary of a run being written.
   */
  recentSummary(runId: string): Promise<RunSummary> {
    const directory = this.open(runId).directory;
    return this.computed.recent(
      `${runId}/summary`,
      () => this.stampOf(runId),
      () => this.summaryWorker.run({ kind: "summary", directory }),
    );
  }

  /** Checks the verdict set exists before anything is computed from it. */
  async verdictSet(runId: string, name: string | undefined): Promise<string> {
    const verdictSet = name || RUN_VERDICT_SET;
    // The run's own set exists before its first verdict is written.
    if (verdictSet === RUN_VERDICT_SET) return verdictSet;
    const summary = await this.summary(runId);
    const known = [...new Set([RUN_VERDICT_SET, ...summary.verdictSets.map((set) => set.name)])];
    if (!known.includes(verdictSet))
      throw new ViewerRequestError(
        404,
        `no verdict set "${verdictSet}" in run ${runId}; it has: ${known.join(", ")}`,
      );
    return verdictSet;
  }

  facets(runId: string): Promise<RunFacets> {
    const directory = this.open(runId).directory;
    return this.cached(runId, "facets", () =>
      this.summaryWorker.run({ kind: "facets", directory }),
    );
  }

  analysis(runId: string, verdictSet: string, adjustment: PAdjustment): Promise<RunAnalysis> {
    const directory = this.open(runId).directory;
    return this.cached(runId, `analysis/${verdictSet}/${adjustment}`, () =>
      this.workers.run({ kind: "analysis", directory, verdictSet, adjustment }),
    );
  }

  /**
   * A page of trials. Filtering on judge disagreement compares every judged turn's verdicts, a
   * search reads the full-text index, a sort orders every match: scans that take a while on a big
   * run, so a worker finds their order (or why nothing matches) once per run version and pages
   * are looked up in it here. Plain filters page along the ordinal index here, their count kept
   * per run version; when nothing matches, a worker finds out why.
   */
  async trialPage(
    runId: string,
    verdictSet: string,
    filter: TrialFilter,
    page: { after: number; limit: number; sort?: TrialSort },
  ): Promise<FoundTrials> {
    const store = this.open(runId);
    const listKey = `${runId}/${verdictSet}/${JSON.stringify(filter)}`;
    const stamp = () => this.stampOf(runId);
    const scanned = filter.disagreement || filter.search !== undefined;
    if (!scanned && sortsInPlanOrder(page.sort)) {
      const total = await this.trialLists.get(`${listKey}/count`, stamp, async () =>
        countTrials(store.database, verdictSet, filter),
      );
      if (total > 0) return findTrials(store.database, verdictSet, filter, page, { total });
    }
    const searchIndexFile = filter.search === undefined ? undefined : await this.searchIndex(runId);
    if (scanned || !sortsInPlanOrder(page.sort)) {
      const { sort } = page;
      const { order, emptyBecause } = await this.trialLists.get(
        `${listKey}/order/${JSON.stringify(sort ?? null)}`,
        stamp,
        () =>
          this.workers.run<{ order: Int32Array; emptyBecause?: string | null }>({
            kind: "trial-order",
            directory: store.directory,
            verdictSet,
            filter,
            sort,
            searchIndexFile,
          }),
      );
      if (order.length === 0) return { total: 0, trials: [], emptyBecause };
      const start = positionAfter(order, page.after, sort);
      if (start !== undefined) {
        const ordinals = order.subarray(start, start + page.limit);
        const trials = trialsAt(store.database, verdictSet, filter, ordinals);
        return { total: order.length, trials };
      }
    }
    return this.workers.run({
      kind: "trial-page",
      directory: store.directory,
      verdictSet,
      filter,
      page,
      searchIndexFile,
    });
  }

  /**
   * The run's full-text index file, brought up to date by a worker once per run version (texts
   * written since are added) and shared by every search made meanwhile.
   */
  searchIndex(runId: string): Promise<string> {
    const directory = this.open(runId).directory;
    const indexFile = searchIndexLocation(directory);
    return this.cached(runId, "search-index", () =>
      this.workers.run({ kind: "search-index", directory, indexFile }).then(() => indexFile),
    );
  }

  figures(runId: string, verdictSet: string, adjustment: PAdjustment): Promise<Figures> {
    const directory = this.open(runId).directory;
    return this.cached(runId, `figures/${verdictSet}/${adjustment}`, () =>
      this.workers.run({ kind: "figures", directory, verdictSet, adjustment }),
    );
  }

  /** Two runs' sides compared; cached until either run changes. */
  comparison(
    a: ComparedRunRequest,
    b: ComparedRunRequest,
    adjustment: PAdjustment,
  ): Promise<ReturnType<typeof compareRuns>> {
    const side = ({ runId, ...rest }: typeof a) => ({
      ...rest,
      directory: this.open(runId).directory,
    });
    const stamp = () => [a, b].map(({ runId }) => this.stampOf(runId)).join("|");
    const key = JSON.stringify(["compare", a, b, adjustment]);
    return this.computed.get(key, stamp, () =>
      this.workers.run({ kind: "comparison", a: side(a), b: side(b), adjustment }),
    );
  }

  /**
   * A labeller's queue, rebuilt when trials finish, not when labels are added: its order ignores
   * labels. Only the last LABEL_QUEUES_KEPT labellers' queues are kept.
   */
  labelQueue(runId: string, labeller: string): Promise<LabelQueue> {
    const store = this.open(runId);
    const stamp = JSON.stringify(store.statusCounts());
    const key = JSON.stringify([runId, labeller]);
    const hit = this.labelQueues.get(key);
    this.labelQueues.delete(key);
    const queue = hit?.stamp === stamp ? hit.queue : this.buildLabelQueue(runId, labeller, stamp);
    queue.catch(() => {
      if (this.labelQueues.get(key)?.queue === queue) this.labelQueues.delete(key);
    });
    this.labelQueues.set(key, { stamp, queue });
    for (const oldest of [...this.labelQueues.keys()].slice(0, -LABEL_QUEUES_KEPT))
      this.labelQueues.delete(oldest);
    this.forgetUnusedCandidates();
    return queue;
  }

  /** What labellers hold: queues kept, and lists of judged turns they share (one a run). */
  labellerState(): { queues: number; candidateLists: number } {
    return { queues: this.labelQueues.size, candidateLists: this.labelCandidates.size };
  }

  private async buildLabelQueue(runId: string, labeller: string, stamp: string) {
    const store = this.open(runId);
    // Seeded by the run's own id, as `candor label` seeds it, not by the directory's name.
    const seed = store.metadata().runId;
    const ask = (knownDigest: string | null) =>
      this.workers.run<LabelOrderReply>({
        kind: "label-order",
        directory: store.directory,
        labeller,
        runId: seed,
        stamp,
        knownDigest,
      });
    let reply = await ask(this.labelCandidates.get(runId)?.digest ?? null);
    let candidates = reply.columns
      ? candidatesFromColumns(reply.columns, reply.digest)
      : this.labelCandidates.get(runId);
    if (candidates?.digest !== reply.digest) {
      // The shared list changed while this order was computed: ask for the list with it.
      reply = await ask(null);
      candidates = candidatesFromColumns(
        reply.columns as NonNullable<typeof reply.columns>,
        reply.digest,
      );
    }
    if (this.labelCandidates.get(runId)?.digest !== candidates.digest)
      this.labelCandidates.set(runId, candidates);
    return LabelQueue.fromOrder(candidates, labeller, seed, reply.order);
  }

  /** A run's shared judged turns go once none of its labellers' queues is kept. */
  private forgetUnusedCandidates(): void {
    const runs = new Set([...this.labelQueues.keys()].map((key) => JSON.parse(key)[0] as string));
    for (const runId of this.labelCandidates.keys())
      if (!runs.has(runId)) this.labelCandidates.delete(runId);
  }

  close(): Promise<void> {
    for (const store of this.stores.values()) store.close();
    this.stores.clear();
    return Promise.all([this.workers.close(), this.summaryWorker.close()]).then(() => undefined);
  }

  /** Recomputes when the database or its write-ahead log changed since the value was made. */
  private cached<Value>(
    runId: string,
    name: string,
    compute: () => Promise<Value>,
  ): Promise<Value> {
    return this.computed.get(`${runId}/${name}`, () => this.stampOf(runId), compute);
  }

  private stampOf(runId: string): string {
    return fileStamp(join(this.open(runId).directory, DATABASE_FILE));
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
