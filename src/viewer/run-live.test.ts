import { basename } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testProgressSnapshot } from "../../test/progress-snapshot.ts";
import { runFixture, temporaryDirectory } from "../../test/run-fixture.ts";
import { acquireRunLock } from "../store/run-lock.ts";
import { writeRunProgress } from "../store/run-progress.ts";
import { recordRunStop } from "../store/run-stop.ts";
import { RunStore } from "../store/run-store.ts";
import type { RunLive, RunsLive } from "./api-types.ts";
import { openViewerTestApp, type ViewerTestApp } from "./viewer-test-app.ts";

const SNAPSHOT = testProgressSnapshot();

describe("what the viewer answers a page following a run", () => {
  const runsDir = temporaryDirectory();
  let directory = "";
  let runId = "";
  let viewer: ViewerTestApp;
  const json = <Answer>(path: string) => viewer.json<Answer>(path);

  beforeAll(async () => {
    directory = (await runFixture(undefined, { samples: 1 }, runsDir)).directory;
    runId = basename(directory);
    viewer = openViewerTestApp(runsDir, { workerThreads: 1 });
  });

  afterAll(() => viewer.close());

  it("says a complete run at rest is not written, with its counts and no stop", async () => {
    const live = await json<RunLive>(`/api/runs/${runId}/live`);
    expect(live).toMatchObject({ runId, writing: false, stop: null, progress: null, directory });
    expect(live.status.pending).toBe(0);
    expect(live.status.complete).toBeGreaterThan(0);
    const list = await json<RunsLive>("/api/live");
    expect(list.runs).toEqual([{ runId, version: live.version, writing: false }]);
  });

  it("shows the session's snapshot only while a live process holds the run's lock", async () => {
    writeRunProgress(directory, SNAPSHOT);
    expect((await json<RunLive>(`/api/runs/${runId}/live`)).progress).toBeNull();
    const release = acquireRunLock(directory);
    try {
      const live = await json<RunLive>(`/api/runs/${runId}/live`);
      expect(live.writing).toBe(true);
      expect(live.progress).toEqual(SNAPSHOT);
      expect((await json<RunsLive>("/api/live")).runs[0]?.writing).toBe(true);
    } finally {
      release();
    }
    expect((await json<RunLive>(`/api/runs/${runId}/live`)).writing).toBe(false);
  });

  it("moves its version, and answers the new stop, once the run is written", async () => {
    const before = await json<RunLive>(`/api/runs/${runId}/live`);
    const store = RunStore.open(directory);
    const stop = { kind: "budget", reason: "the cost limit of $1 was reached", at: "t" } as const;
    try {
      recordRunStop(store.database, stop);
    } finally {
      store.close();
    }
    const after = await json<RunLive>(`/api/runs/${runId}/live`);
    expect(after.version).not.toBe(before.version);
    expect(after.stop).toEqual(stop);
  });

  it("refuses a run it does not know", async () => {
    const response = await viewer.request("/api/runs/nothing-here/live");
    expect(response.status).toBe(404);
  });
});
