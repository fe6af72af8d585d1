/** Undo on the label API, answered in-process: the label goes, or what it replaced comes back. */
import { basename } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFixture, temporaryDirectory } from "../../test/run-fixture.ts";
import { RunStore } from "../store/run-store.ts";
import type { LabelQueueAnswer, LabelSaved, LabelUndo } from "./api-types.ts";
import { openViewerTestApp, type ViewerTestApp } from "./viewer-test-app.ts";

describe("undoing a label through the viewer's API", () => {
  const runsDir = temporaryDirectory();
  let run = "";
  let viewer: ViewerTestApp;

  const send = (method: string, path: string, body: unknown, contentType = "application/json") =>
    viewer.request(`/api/runs/${run}${path}`, {
      method,
      headers: { "Content-Type": contentType },
      body: JSON.stringify(body),
    });
  const next = async (labeller: string) =>
    (await (
      await viewer.request(`/api/runs/${run}/label/next?labeller=${labeller}`)
    ).json()) as LabelQueueAnswer;
  const storedLabels = (labeller: string) => {
    const store = RunStore.openForReading(`${runsDir}/${run}`);
    try {
      return store.database
        .prepare("SELECT undesired, consistency FROM human_labels WHERE labeller = ?")
        .all(labeller);
    } finally {
      store.close();
    }
  };

  beforeAll(async () => {
    run = basename((await runFixture(undefined, { samples: 2 }, runsDir)).directory);
    viewer = openViewerTestApp(runsDir);
  });
  afterAll(() => viewer.close());

  it("removes the label and hands the same turn back, with the progress before it", async () => {
    const first = await next("uma");
    const item = first.item;
    if (!item) throw new Error("nothing to label");
    const label = { token: item.token, labeller: "uma", undesired: "no", consistency: null };
    const saved = await send("POST", "/labels", label);
    expect(saved.status).toBe(201);
    expect((await saved.json()) as LabelSaved).toEqual({ saved: true, previous: null });
    expect(storedLabels("uma")).toEqual([{ undesired: "no", consistency: null }]);
    const undo: LabelUndo = { token: item.token, labeller: "uma", previous: null };
    // The write protections hold for undo too: JSON only, a known token, a well-formed body.
    expect((await send("DELETE", "/labels", undo, "text/plain")).status).toBe(415);
    expect((await send("DELETE", "/labels", { ...undo, token: "forged" })).status).toBe(404);
    expect((await send("DELETE", "/labels", { ...undo, previous: "yes" })).status).toBe(400);
    expect(storedLabels("uma")).toHaveLength(1);
    const undone = await send("DELETE", "/labels", undo);
    expect(undone.status).toBe(200);
    const answer = (await undone.json()) as LabelQueueAnswer;
    expect(answer.item).toEqual(item);
    expect(answer.progress).toEqual(first.progress);
    expect(storedLabels("uma")).toEqual([]);
    expect((await next("uma")).item?.token).toBe(item.token);
  });

  it("puts back the label a save replaced", async () => {
    const item = (await next("vera")).item;
    if (!item) throw new Error("nothing to label");
    const label = { token: item.token, labeller: "vera", undesired: "yes", consistency: null };
    await send("POST", "/labels", label);
    const saved = await send("POST", "/labels", { ...label, consistency: "consistent" });
    const { previous } = (await saved.json()) as LabelSaved;
    expect(previous).toMatchObject({ undesired: "yes", consistency: null });
    expect(
      (await send("DELETE", "/labels", { token: item.token, labeller: "vera", previous })).status,
    ).toBe(200);
    expect(storedLabels("vera")).toEqual([{ undesired: "yes", consistency: null }]);
  });
});
