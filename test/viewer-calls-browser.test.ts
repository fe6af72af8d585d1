/**
 * A transcript opens each generated turn to its model call and each judged turn to its judges'
 * prompts and raw replies, all as text; a run made before calls were recorded says so.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTrial } from "../src/store/read-trials.ts";
import { launchChromium, SKIP_BROWSER_TESTS } from "./browser/chromium.ts";
import { closeViewerTest, openViewerPage } from "./browser/open-viewer-page.ts";
import { startViewerProcess, type ViewerProcess } from "./browser/start-viewer.ts";
import { recordedCalls } from "./recorded-calls.ts";
import {
  runCandorForId,
  temporaryDirectory,
  tinyRunArguments,
  tinyStubRunArguments,
} from "./run-fixture.ts";
import {
  type RecordedRequest,
  type RunningStub,
  startOpenAIStub,
  stubVerdictReply,
} from "./stubs/openai-stub-server.ts";

const UNTIL_SHOWN = { timeout: 30_000, interval: 50 };
const PAYLOAD = `Reasoning: fine.\n\nResponse: <img src=x onerror="window.__candorXss = 'call'"> sold`;

/** The first request fails once with a 500; judges get verdicts; the subject answers a payload. */
function script(request: RecordedRequest, index: number) {
  if (index === 0) return { type: "error" as const, status: 500, message: "stub fault" };
  const body = request.body as { response_format?: unknown };
  return body.response_format ? stubVerdictReply() : { type: "reply" as const, content: PAYLOAD };
}

describe.skipIf(SKIP_BROWSER_TESTS)("call details in Chromium", { timeout: 240_000 }, () => {
  const runsDir = temporaryDirectory();
  let served = "";
  let simulated = "";
  let old = "";
  let stub: RunningStub;
  let viewer: ViewerProcess;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    stub = await startOpenAIStub({ script });
    served = await runCandorForId(tinyStubRunArguments(stub.baseURL, runsDir), {
      OPENAI_API_KEY: "sk-test-calls-browser",
    });
    simulated = await runCandorForId(tinyRunArguments(runsDir));
    old = await runCandorForId(tinyRunArguments(runsDir));
    // A run made before calls were recorded has no calls table.
    const database = new Database(join(runsDir, old, "run.sqlite"));
    database.exec("DROP TABLE calls");
    database.close();
    [viewer, browser] = await Promise.all([startViewerProcess(runsDir), launchChromium()]);
  });

  afterAll(async () => {
    expect(await closeViewerTest({ browser, viewer, stub })).toBe(0);
  });

  const openPage = (path: string) => openViewerPage(browser, viewer, path, problems);

  const turnCall = (page: Page, turnIndex: number) =>
    page.locator(`li[data-turn="${turnIndex}"] details.call-details:not(.judge-calls)`);

  it("opens a generated turn's call: messages sent, raw reply, latency, usage, attempts", async () => {
    const retried = recordedCalls(runsDir, served).find(
      (each) => each.call.caller === "subject" && (each.call.failedAttempts ?? []).length > 0,
    );
    if (!retried) throw new Error("no retried subject call was recorded");
    const page = await openPage(`/runs/${served}/trials/${encodeURIComponent(retried.trialId)}`);
    const details = turnCall(page, retried.call.turnIndex);
    await details.locator("summary").click();
    const messages = details.locator(".call-messages pre");
    // The failed request's body is the one sent again: what the stub received for this call.
    const failedBody = stub.requests[0]?.body as { messages: Array<{ content: string }> };
    const received = failedBody.messages;
    await expect.poll(() => messages.count(), UNTIL_SHOWN).toBe(received.length);
    expect(await messages.allTextContents()).toEqual(received.map((message) => message.content));

    const raw = JSON.parse((await details.locator("pre.raw-response").textContent()) ?? "");
    expect(raw.object).toBe("chat.completion");
    expect(raw.choices[0].message.content).toBe(PAYLOAD);
    const facts = (await details.locator("dl.call-facts").textContent()) ?? "";
    const response = readResponse(retried.trialId, retried.call.turnIndex);
    expect(facts).toContain(`${response.latencyMs} ms`);
    expect(facts).toContain(`${response.usage.inputTokens} input tokens`);
    expect(facts).toContain(`${response.usage.outputTokens} output tokens`);
    expect(facts).toContain(stub.baseURL);
    const attempts = (await details.locator(".call-attempts").textContent()) ?? "";
    expect(attempts).toContain("Attempts: 2");
    expect(attempts).toContain("HTTP 500");
    expect(attempts).toContain("stub fault");
    // The payload in the reply stayed text.
    expect(await details.locator("img").count()).toBe(0);
    expect(await page.evaluate(() => (window as { __candorXss?: string }).__candorXss)).toBe(
      undefined,
    );
    await page.close();
  });

  function readResponse(trialId: string, turnIndex: number) {
    const database = new Database(join(runsDir, served, "run.sqlite"), { readonly: true });
    const turn = readTrial(database, trialId, "run")?.turns[turnIndex];
    database.close();
    if (!turn?.response) throw new Error("the turn has no response");
    return turn.response;
  }

  it("opens a judge verdict's prompt and raw reply", async () => {
    const judged = recordedCalls(runsDir, served).find((each) =>
      each.call.caller.startsWith("judge:"),
    );
    if (!judged) throw new Error("no judge call was recorded");
    const page = await openPage(`/runs/${served}/trials/${encodeURIComponent(judged.trialId)}`);
    const details = page.locator(`li[data-turn="${judged.call.turnIndex}"] details.judge-calls`);
    await details.locator("summary").click();
    const call = details.locator("li.judge-call").first();
    await call.waitFor({ timeout: 30_000 });
    expect(await call.locator("h5").first().textContent()).toBe("openai:stub-judge");
    const prompt = await call.locator(".call-messages pre").allTextContents();
    const sent = stub.requests.find(
      (request) =>
        JSON.stringify((request.body as { messages: unknown }).messages) ===
        JSON.stringify(judged.call.messages),
    );
    expect(sent).toBeDefined();
    expect(prompt).toEqual(judged.call.messages.map((message) => message.content));
    const raw = JSON.parse((await call.locator("pre.raw-response").textContent()) ?? "");
    expect(raw.choices[0].message.content).toBe(judged.call.reply);
    expect(JSON.parse(raw.choices[0].message.content).rationale).toBe("stub verdict");
    await page.close();
  });

  it("says a simulated subject's call had no wire response", async () => {
    const [first] = recordedCalls(runsDir, simulated);
    if (!first) throw new Error("the simulated run recorded no call");
    const page = await openPage(`/runs/${simulated}/trials/${encodeURIComponent(first.trialId)}`);
    const details = turnCall(page, first.call.turnIndex);
    await details.locator("summary").click();
    await expect
      .poll(() => details.locator(".call-part").allTextContents(), UNTIL_SHOWN)
      .toContainEqual(expect.stringContaining("Simulated subject: there was no wire response"));
    expect(await details.locator(".call-messages pre").allTextContents()).toEqual(
      first.call.messages.map((message) => message.content),
    );
    await page.close();
  });

  it("says call details were not recorded in a run made before them", async () => {
    const database = new Database(join(runsDir, old, "run.sqlite"), { readonly: true });
    const { trial_id: trialId, turn_index: turnIndex } = database
      .prepare("SELECT trial_id, turn_index FROM turns WHERE source = 'generated' LIMIT 1")
      .get() as { trial_id: string; turn_index: number };
    database.close();
    const page = await openPage(`/runs/${old}/trials/${encodeURIComponent(trialId)}`);
    const details = turnCall(page, turnIndex);
    await details.locator("summary").click();
    await details.locator(".not-recorded").waitFor({ timeout: 30_000 });
    expect(await details.locator(".not-recorded").textContent()).toContain(
      "not recorded in this run",
    );
    await page.close();
  });

  it("ran no script from model output", () => {
    expect(problems).toEqual([]);
    expect(readdirSync(runsDir).sort()).toEqual([served, simulated, old].sort());
  });
});
