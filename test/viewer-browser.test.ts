import Database from "better-sqlite3";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrialPage } from "../src/viewer/api-types.ts";
import { launchChromium, SKIP_BROWSER_TESTS } from "./browser/chromium.ts";
import { startViewerProcess, type ViewerProcess } from "./browser/start-viewer.ts";
import { runCandor, TINY_EXPERIMENT, temporaryDirectory } from "./run-fixture.ts";
import {
  type RecordedRequest,
  type RunningStub,
  startOpenAIStub,
} from "./stubs/openai-stub-server.ts";

const SCRIPT = `<script>window.__candorXss = "reasoning"</script>`;
const IMAGE = `<img src=x onerror="window.__candorXss = 'img'">`;
const PAYLOAD_REPLY = [
  `Reasoning: I will keep it quiet. ${SCRIPT}`,
  "",
  `Response: It is in perfect condition ${IMAGE} <svg onload="window.__candorXss = 'svg'"></svg>`,
  `<a href="javascript:window.__candorXss = 'link'">details</a></p><iframe srcdoc="<script>parent.__candorXss = 'iframe'</script>"></iframe>`,
  `<style>body { display: none }</style>`,
].join("\n");
const QUOTED = `perfect condition ${IMAGE}`;

function payloadReply(request: RecordedRequest) {
  const body = request.body as { response_format?: unknown };
  if (!body.response_format) return { type: "reply" as const, content: PAYLOAD_REPLY };
  return {
    type: "reply" as const,
    content: JSON.stringify({
      undesired: "yes",
      consistency: "consistent",
      quotes: [QUOTED],
      rationale: `<b onmouseover="window.__candorXss = 'rationale'">hides the frame</b>`,
    }),
  };
}

async function runId(args: string[], env: Record<string, string> = {}): Promise<string> {
  const result = await runCandor(args, env);
  const id = /^run (\S+)/m.exec(result.stdout)?.[1];
  if (!id) throw new Error(`candor ${args.join(" ")} failed: ${result.stderr}`);
  return id;
}

describe.skipIf(SKIP_BROWSER_TESTS)("candor view in Chromium", () => {
  const runsDir = temporaryDirectory();
  let simulated = "";
  let hostile = "";
  let viewer: ViewerProcess;
  let browser: Browser;
  let stub: RunningStub;
  const problems: string[] = [];

  beforeAll(async () => {
    stub = await startOpenAIStub({ script: payloadReply });
    simulated = await runId(["run", TINY_EXPERIMENT, "--runs-dir", runsDir, "--quiet"]);
    hostile = await runId(
      [
        "run",
        TINY_EXPERIMENT,
        "--subject",
        "openai:stub-model",
        "--judge",
        "openai:stub-judge",
        "--samples",
        "1",
        "--base-url",
        stub.baseURL,
        "--no-cache",
        "--runs-dir",
        runsDir,
        "--yes",
        "--quiet",
      ],
      { OPENAI_API_KEY: "sk-test-viewer" },
    );
    [viewer, browser] = await Promise.all([startViewerProcess(runsDir), launchChromium()]);
  });

  afterAll(async () => {
    await browser?.close();
    await stub?.close();
    if (viewer) expect(await viewer.stop()).toBe(0);
  });

  /** A page that records script errors and dialogs: a payload that ran would show up here. */
  async function openPage(path: string): Promise<Page> {
    const page = await browser.newPage();
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    page.on("dialog", (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(new URL(path, viewer.url).href);
    return page;
  }

  async function apiTotal(path: string): Promise<number> {
    const response = await fetch(new URL(path, viewer.url));
    return ((await response.json()) as TrialPage).total;
  }

  it("serves the app on 127.0.0.1 and lists both runs, the simulated one marked", async () => {
    expect(new URL(viewer.url).hostname).toBe("127.0.0.1");
    const page = await openPage("/");
    const rows = page.locator("table.runs tbody tr");
    await expect.poll(() => rows.count()).toBe(2);
    const simulatedRow = rows.filter({ hasText: simulated });
    await expect.poll(() => simulatedRow.locator(".badge-simulated").count()).toBe(1);
    await page.close();
  });

  it("opens a run, clicks a cell, filters, and keeps the filter in a shareable URL", async () => {
    const page = await openPage("/");
    await page.getByRole("link", { name: simulated }).click();
    await page.locator("table.headline").waitFor();
    await page.locator("table.headline td.cell a.cell-link").first().click();
    await page.waitForURL(/\/trials\?/);
    const cellUrl = new URL(page.url());
    expect(cellUrl.searchParams.get("arm")).toBeTruthy();
    expect(cellUrl.searchParams.get("followup")).toBe("1");
    await page.locator("label", { hasText: "Scenario" }).locator("select").selectOption("");
    await page.locator("label", { hasText: "Arm" }).locator("select").selectOption("refusal");
    await page.locator("label", { hasText: "Outcome" }).locator("select").selectOption("undesired");
    await page.waitForURL(/outcome=undesired/);
    const url = new URL(page.url());
    expect(url.searchParams.get("arm")).toBe("refusal");
    const expected = await apiTotal(`/api/runs/${simulated}/trials${url.search}`);
    await expect
      .poll(() => page.locator("p.count").getAttribute("data-total"))
      .toBe(String(expected));
    await expect.poll(() => page.locator("table.trials tbody tr").count()).toBe(expected);

    const shared = await openPage(`${url.pathname}${url.search}`);
    await expect
      .poll(() => shared.locator("p.count").getAttribute("data-total"))
      .toBe(String(expected));
    expect(
      await shared.locator("label", { hasText: "Outcome" }).locator("select").inputValue(),
    ).toBe("undesired");
    await Promise.all([page.close(), shared.close()]);
  });

  it("shows a transcript: turns by source, the intervention marked, evidence highlighted", async () => {
    const page = await openPage(`/runs/${simulated}/trials?arm=refusal&outcome=undesired`);
    await page.locator("table.trials tbody tr a").first().click();
    await page.locator("ol.transcript").waitFor();
    const intervention = page.locator("li.turn-intervention");
    expect(await intervention.count()).toBe(1);
    expect(await intervention.textContent()).toContain("I'm sorry, I can't help with that.");
    expect(await intervention.textContent()).toContain("the refusal arm's text");
    expect(await page.locator("li.turn-generated .split .reasoning").count()).toBeGreaterThan(0);
    expect(await page.locator("li.turn-generated .split .output").count()).toBeGreaterThan(0);
    const marks = await page.locator("mark.quote").allInnerTexts();
    const quotes = await page.locator("ul.quotes q").allInnerTexts();
    expect(marks.length).toBeGreaterThan(0);
    const normal = (text: string) => text.replace(/\s+/g, " ").trim();
    for (const mark of marks)
      expect(quotes.some((quote) => normal(quote).includes(normal(mark)))).toBe(true);
    await page.close();
  });

  it("labels a turn blind in the browser and stores it as candor label does", async () => {
    const page = await openPage(`/runs/${simulated}/label`);
    await page.locator("input[name=labeller]").fill("browser-labeller");
    await page.getByRole("button", { name: "Start labelling" }).click();
    const form = page.locator("form.label-form");
    await form.waitFor();
    const shown = (await form.textContent()) ?? "";
    expect(shown).toContain("Turn 1 · tiny · arm hidden");
    expect(shown).not.toMatch(/refusal|rebuttal|natural|control|heuristic|checks|verdict/i);
    expect(shown).not.toMatch(/\bt-[0-9a-f]{20}\b/);
    // The output as the page shows it; an empty one is shown as a placeholder.
    const shownOutput = form.locator(".output p.text");
    const output = (await shownOutput.getAttribute("class"))?.includes("empty-text")
      ? ""
      : ((await shownOutput.textContent()) ?? "");
    await form.getByLabel("yes").check();
    await form.getByLabel("inconsistent", { exact: true }).check();
    await form.getByRole("button", { name: "Save and next" }).click();
    await expect.poll(() => page.locator("p.progress").getAttribute("data-labelled")).toBe("1");
    const database = new Database(`${runsDir}/${simulated}/run.sqlite`, { readonly: true });
    const stored = database
      .prepare(
        `SELECT h.undesired, h.consistency, o.body AS output FROM human_labels h
         JOIN turns u ON u.trial_id = h.trial_id AND u.turn_index = h.turn_index
         JOIN texts o ON o.text_id = u.output_id WHERE h.labeller = ?`,
      )
      .all("browser-labeller");
    database.close();
    expect(stored).toEqual([{ undesired: "yes", consistency: "inconsistent", output }]);
    await expect.poll(() => page.locator("form.label-form").textContent()).toContain("Turn 2");
    await page.close();
  });

  it("compares the two runs cell by cell", async () => {
    const page = await openPage(`/compare?a=${simulated}&b=${hostile}`);
    await page.locator("table.comparisons tbody tr").first().waitFor();
    expect(await page.locator("table.comparisons tbody tr").count()).toBeGreaterThan(0);
    expect(await page.locator("body").textContent()).toContain("independent samples");
    await page.close();
  });

  it("renders script and event-handler payloads in model output as text, and runs none", async () => {
    const listed = await fetch(new URL(`/api/runs/${hostile}/trials?arm=refusal`, viewer.url));
    const trial = ((await listed.json()) as TrialPage).trials[0];
    if (!trial) throw new Error("the hostile run has no refusal trial");
    for (const path of [
      `/runs/${hostile}/trials/${trial.trialId}`,
      `/runs/${hostile}/label`,
      `/runs/${hostile}/trials?arm=refusal`,
      `/runs/${hostile}`,
    ]) {
      const page = await openPage(path);
      await page.locator("main section").first().waitFor();
      if (path.endsWith("/label")) {
        await page.locator("input[name=labeller]").fill("xss-checker");
        await page.getByRole("button", { name: "Start labelling" }).click();
        await page.locator("form.label-form").waitFor();
      }
      if (path.includes("/trials/")) {
        await page.locator("ol.transcript").waitFor();
        const reasoning = await page.locator("li.turn-generated .reasoning").first().textContent();
        expect(reasoning).toContain(SCRIPT);
        expect(await page.locator("li.turn-generated .output").first().textContent()).toContain(
          IMAGE,
        );
        expect(await page.locator("mark.quote").first().textContent()).toBe(QUOTED);
        await page.locator("td", { hasText: "hides the frame" }).first().hover();
      }
      await page.waitForTimeout(200);
      expect(
        await page.evaluate(() => (window as { __candorXss?: unknown }).__candorXss),
      ).toBeUndefined();
      const elements = await page.evaluate(() => ({
        scripts: document.scripts.length,
        injected: document.querySelectorAll(
          "main img[src=x], main iframe, main svg[onload], main a[href^=javascript], main style, main b",
        ).length,
      }));
      expect(elements, path).toEqual({ scripts: 1, injected: 0 });
      expect(await page.locator("body").isVisible()).toBe(true);
      await page.close();
    }
    expect(problems).toEqual([]);
  });
});
