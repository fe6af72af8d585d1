import { mkdirSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFixture, temporaryDirectory } from "../../test/run-fixture.ts";
import { analyzeRun } from "../report/analyze-run.ts";
import { findTrials } from "../store/find-trials.ts";
import { saveHumanLabels } from "../store/human-labels.ts";
import { LabelQueue } from "../store/label-queue.ts";
import { RunStore } from "../store/run-store.ts";
import type { LabelQueueAnswer, RunList, RunResults } from "./api-types.ts";
import type { HeavyTask } from "./heavy-tasks.ts";
import { LABEL_QUEUES_KEPT, RunCatalog } from "./run-catalog.ts";
import { createViewerApp, VIEWER_ASSETS } from "./viewer-server.ts";

const HOST = "127.0.0.1:4747";

/**
 * Issue 14, item 9: what reads a whole run (results, figures, comparisons, a new labeller's
 * order) is computed off the request path, so light requests answer while it runs; labellers'
 * state stays bounded; and cached values follow the run as it changes.
 */
describe("the viewer under heavy requests", () => {
  const runsDir = temporaryDirectory();
  let first = "";
  let second = "";
  let trialId = "";
  let catalog: RunCatalog;
  let app: ReturnType<typeof createViewerApp>;

  beforeAll(async () => {
    const run = await runFixture(undefined, { samples: 10 }, runsDir);
    first = basename(run.directory);
    second = basename((await runFixture(undefined, { samples: 10, seed: 3 }, runsDir)).directory);
    const store = RunStore.openForReading(run.directory);
    trialId = (store.trials().next().value as { trialId: string }).trialId;
    store.close();
    catalog = new RunCatalog(runsDir);
    app = createViewerApp({ catalog, assetsDir: VIEWER_ASSETS, allowedHost: () => true });
  });
  afterAll(() => catalog.close());

  const request = async (path: string) => {
    const response = await app.request(path, { headers: { Host: HOST } });
    const body = await response.text();
    expect(response.status, `${path}: ${body}`).toBe(200);
    return JSON.parse(body);
  };

  /**
   * Which of a heavy and a light request, sent together, finishes first. The heavy request's
   * worker task is held until the light answer is in, so the order never depends on the machine's
   * load: a light request that waited for the heavy work would never finish (the test times out).
   */
  const finishingOrder = async (heavy: string, light: string) => {
    const order: string[] = [];
    let lightAnswered = () => {};
    const lightDone = new Promise<void>((resolve) => {
      lightAnswered = resolve;
    });
    const run = catalog.workers.run.bind(catalog.workers);
    let heavyTask = true;
    catalog.workers.run = async <Value>(task: HeavyTask): Promise<Value> => {
      const held = heavyTask;
      heavyTask = false;
      const result = await run<Value>(task);
      if (held) await lightDone;
      return result;
    };
    try {
      await Promise.all([
        request(heavy).then(() => order.push("heavy")),
        request(light).then(() => {
          order.push("light");
          lightAnswered();
        }),
      ]);
    } finally {
      catalog.workers.run = run;
    }
    expect(heavyTask, "the heavy request ran on a worker").toBe(false);
    return order;
  };

  it("answers the runs list while a run's results are computed", async () => {
    expect(await finishingOrder(`/api/runs/${first}?adjust=bh`, "/api/runs")).toEqual([
      "light",
      "heavy",
    ]);
  });

  it("answers a transcript while two runs are compared", async () => {
    expect(
      await finishingOrder(
        `/api/compare?a=${first}&b=${second}`,
        `/api/runs/${first}/trials/${trialId}`,
      ),
    ).toEqual(["light", "heavy"]);
  });

  it("answers a page of trials while a new labeller's queue is built", async () => {
    expect(
      await finishingOrder(
        `/api/runs/${second}/label/next?labeller=newcomer`,
        `/api/runs/${second}/trials`,
      ),
    ).toEqual(["light", "heavy"]);
  });

  it("reads a page filtered to judge disagreement (a scan of the run) on a worker, same answer", async () => {
    const kinds: string[] = [];
    const run = catalog.workers.run.bind(catalog.workers);
    catalog.workers.run = (task) => {
      kinds.push(task.kind);
      return run(task);
    };
    try {
      const page = await request(`/api/runs/${first}/trials?disagreement=1`);
      expect(kinds).toEqual(["trial-order"]);
      // Pages with disagreements, through this same path, are checked in viewer-api.test.ts.
      const store = RunStore.openForReading(`${runsDir}/${first}`);
      const direct = findTrials(store.database, "run", { disagreement: true }, { limit: 101 });
      store.close();
      expect(page.total).toBe(direct.total);
      expect(page.trials.map((trial: { trialId: string }) => trial.trialId)).toEqual(
        direct.trials.slice(0, 100).map((trial) => trial.trialId),
      );
      await request(`/api/runs/${first}/trials?arm=refusal`);
      expect(kinds).toEqual(["trial-order"]);
    } finally {
      catalog.workers.run = run;
    }
  });

  it("computes identical requests made together once", async () => {
    const before = catalog.workers.tasksStarted;
    const path = `/api/runs/${second}/figures/arms.svg?adjust=bh`;
    const answers = await Promise.all(
      [1, 2, 3].map(() => app.request(path, { headers: { Host: HOST } })),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(catalog.workers.tasksStarted - before).toBe(1);
  });

  it("keeps labellers' state bounded, one shared list of turns a run", async () => {
    const labellers = Array.from({ length: LABEL_QUEUES_KEPT + 4 }, (_, index) => `l${index}`);
    for (const labeller of labellers)
      await request(`/api/runs/${first}/label/next?labeller=${labeller}`);
    expect(catalog.labellerState()).toEqual({ queues: LABEL_QUEUES_KEPT, candidateLists: 1 });
    // The order a worker made is the one `candor label` follows.
    const store = RunStore.openForReading(`${runsDir}/${first}`);
    const expected = LabelQueue.build(store.database, "l3", store.metadata().runId);
    const next: LabelQueueAnswer = await request(`/api/runs/${first}/label/next?labeller=l3`);
    expect(next.item?.view).toEqual(
      (await import("../store/label-queue.ts")).turnToLabel(
        store.database,
        expected.next(store.database) as NonNullable<ReturnType<typeof expected.next>>,
      )?.view,
    );
    store.close();
  });

  it("summarizes a run being written at most twice at once, however many requests come", async () => {
    const store = RunStore.open(`${runsDir}/${second}`);
    const turn = LabelQueue.build(store.database, "w", store.metadata().runId).next(store.database);
    if (!turn) throw new Error("no judged turn");
    const before = catalog.summaryWorker.tasksStarted;
    const answers: Array<Promise<RunList>> = [];
    for (let writer = 1; writer <= 20; writer++) {
      // Each request sees the run changed since the one before, as during a run's write.
      saveHumanLabels(store.database, [
        { ...turn, labeller: `writer-${writer}`, undesired: "yes", consistency: null },
      ]);
      answers.push(request("/api/runs"));
    }
    store.close();
    const lists = await Promise.all(answers);
    const labelsOf = (list: RunList) => list.runs.find((run) => run.runId === second)?.humanLabels;
    // One summary of each run, then one follow-up of the run that changed meanwhile.
    expect(catalog.summaryWorker.tasksStarted - before).toBeLessThanOrEqual(3);
    expect(labelsOf(lists.at(-1) as RunList)).toBe(20);
    expect(lists.every((list) => (labelsOf(list) ?? 0) >= 1)).toBe(true);
  });

  it("follows the run: a changed verdict reaches the results, a new label the list", async () => {
    const before: RunResults = await request(`/api/runs/${first}`);
    const store = RunStore.open(`${runsDir}/${first}`);
    store.database
      .prepare(
        "UPDATE outcomes SET undesired = 'yes' WHERE verdict_set = 'run' AND undesired = 'no'",
      )
      .run();
    const expected = analyzeRun(store);
    store.close();
    const after: RunResults = await request(`/api/runs/${first}`);
    expect(after.cells).toEqual(expected.cells);
    expect(after.cells).not.toEqual(before.cells);

    const next: LabelQueueAnswer = await request(`/api/runs/${first}/label/next?labeller=kim`);
    const response = await app.request(`/api/runs/${first}/labels`, {
      method: "POST",
      headers: { Host: HOST, "Content-Type": "application/json" },
      body: JSON.stringify({
        token: next.item?.token,
        labeller: "kim",
        undesired: "no",
        consistency: null,
      }),
    });
    expect(response.status).toBe(201);
    const list: RunList = await request("/api/runs");
    expect(list.runs.find((run) => run.runId === first)?.humanLabels).toBe(1);
    const progress: LabelQueueAnswer = await request(`/api/runs/${first}/label/next?labeller=kim`);
    expect(progress.progress.labelled).toBe(1);
  });

  it("lists a damaged run as unreadable beside the others", async () => {
    mkdirSync(`${runsDir}/broken`);
    writeFileSync(`${runsDir}/broken/run.sqlite`, "not a database");
    const list: RunList = await request("/api/runs");
    expect(list.runs.map((run) => run.runId).sort()).toEqual([first, second].sort());
    expect(list.unreadable.map((run) => run.runId)).toEqual(["broken"]);
  });
});
