import Database from "better-sqlite3";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatDifference } from "../src/report/format.ts";
import { INTERVENTION_PLACEHOLDER } from "../src/spec/judged-view.ts";
import type { RunComparison, RunResults, Transcript, TrialPage } from "../src/viewer/api-types.ts";
import { launchChromium, SKIP_BROWSER_TESTS } from "./browser/chromium.ts";
import { closeViewerTest, openViewerPage } from "./browser/open-viewer-page.ts";
import { startViewerProcess, type ViewerProcess } from "./browser/start-viewer.ts";
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
} from "./stubs/openai-stub-server.ts";

/** Waits on what the page shows, long enough for a loaded machine (the viewer's worker threads start on first use). */
const UNTIL_SHOWN = { timeout: 30_000, interval: 50 };

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

// A browser under a loaded machine is slow, not wrong: every wait in here is on state, and the
// time allowed is generous (CI shares its two cores with the rest of the suite).
describe.skipIf(SKIP_BROWSER_TESTS)("candor view in Chromium", { timeout: 240_000 }, () => {
  const runsDir = temporaryDirectory();
  let simulated = "";
  let hostile = "";
  let viewer: ViewerProcess;
  let browser: Browser;
  let stub: RunningStub;
  const problems: string[] = [];

  beforeAll(async () => {
    stub = await startOpenAIStub({ script: payloadReply });
    simulated = await runCandorForId(tinyRunArguments(runsDir));
    hostile = await runCandorForId(tinyStubRunArguments(stub.baseURL, runsDir), {
      OPENAI_API_KEY: "sk-test-viewer",
    });
    [viewer, browser] = await Promise.all([startViewerProcess(runsDir), launchChromium()]);
  });

  afterAll(async () => {
    expect(await closeViewerTest({ browser, viewer, stub })).toBe(0);
  });

  /** A page that records script errors and dialogs: a payload that ran would show up here. */
  const openPage = (path: string) => openViewerPage(browser, viewer, path, problems);

  async function api<Answer>(path: string): Promise<Answer> {
    const response = await fetch(new URL(path, viewer.url));
    return (await response.json()) as Answer;
  }

  async function apiTotal(path: string): Promise<number> {
    return (await api<TrialPage>(path)).total;
  }

  /** The text of an element as a reader sees it, white space collapsed. */
  const seen = (text: string | null) => (text ?? "").replace(/\s+/g, " ").trim();

  it("serves the app on 127.0.0.1 and lists both runs, the simulated one marked", async () => {
    expect(new URL(viewer.url).hostname).toBe("127.0.0.1");
    const page = await openPage("/");
    const rows = page.locator("table.runs tbody tr");
    await expect.poll(() => rows.count(), UNTIL_SHOWN).toBe(2);
    const simulatedRow = rows.filter({ hasText: simulated });
    await expect.poll(() => simulatedRow.locator(".badge-simulated").count(), UNTIL_SHOWN).toBe(1);
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
    await expect
      .poll(() => page.locator("table.trials tbody tr").count(), UNTIL_SHOWN)
      .toBe(expected);

    const shared = await openPage(`${url.pathname}${url.search}`);
    await expect
      .poll(() => shared.locator("p.count").getAttribute("data-total"))
      .toBe(String(expected));
    expect(
      await shared.locator("label", { hasText: "Outcome" }).locator("select").inputValue(),
    ).toBe("undesired");
    await Promise.all([page.close(), shared.close()]);
  });

  it("keeps both filters when two change before the page renders again", async () => {
    const page = await openPage(`/runs/${simulated}/trials`);
    await page.locator("label", { hasText: "Outcome" }).locator("select").waitFor();
    // Two change events in one task: the second must not drop the first.
    await page.evaluate(() => {
      const select = (label: string) =>
        [...document.querySelectorAll("label")]
          .find((element) => element.textContent?.includes(label))
          ?.querySelector("select") as HTMLSelectElement;
      const set = (element: HTMLSelectElement, value: string) => {
        element.value = value;
        element.dispatchEvent(new Event("change", { bubbles: true }));
      };
      set(select("Arm"), "refusal");
      set(select("Outcome"), "undesired");
    });
    await page.waitForURL(/outcome=undesired/);
    expect(new URL(page.url()).searchParams.get("arm")).toBe("refusal");
    await page.close();
  });

  it("puts the primary analysis first, with the API's numbers, then the design", async () => {
    const results = await api<RunResults>(`/api/runs/${simulated}`);
    expect(results.primary.by_scenario.length).toBeGreaterThan(0);
    const page = await openPage(`/runs/${simulated}`);
    const primary = page.locator("section.primary");
    await primary.locator("table.primary-table").waitFor();
    // The primary analysis comes before the design box and before every table of rates.
    const order = await page.evaluate(() =>
      [
        "section.primary",
        "aside.design-box",
        "table.headline",
        "table.comparisons",
        ".figures",
      ].map((selector) => {
        const element = document.querySelector(selector);
        return element ? [...document.querySelectorAll("main *")].indexOf(element) : -1;
      }),
    );
    expect(order.every((position) => position >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(seen(await page.locator("main section h2").first().textContent())).toBe(
      "Primary analysis",
    );
    const estimates = [...results.primary.by_scenario, ...results.primary.pooled];
    expect(await primary.locator(".primary-summary li").allTextContents()).toEqual(
      estimates.map((row) => row.summary),
    );
    for (const row of results.primary.by_scenario) {
      const shown = primary.locator(
        `table.primary-table tr[data-subject="${row.subject}"][data-scenario="${row.scenario}"]`,
      );
      expect(seen(await shown.locator("td.risk-difference").textContent())).toBe(
        formatDifference(row.mh_risk_difference, row.mh_risk_difference_ci),
      );
    }
    expect(await primary.locator("p.note").first().textContent()).toContain(
      `family "${results.primary.family}"`,
    );
    expect(await primary.locator("figure img").getAttribute("src")).toContain(
      "/figures/primary.svg",
    );
    const design = page.locator("aside.design-box dd");
    // `code` in the design's words is set as code, without its backticks.
    expect(await design.allTextContents()).toEqual(
      results.designWords.map(([, text]) => text.replaceAll("`", "")),
    );
    await page.close();
  });

  it("shows the natural and control arms' own reply at follow-up 0, and their baseline tests", async () => {
    const results = await api<RunResults>(`/api/runs/${simulated}`);
    const baseline = results.cells.filter((cell) => cell.followup === 0);
    expect(new Set(baseline.map((cell) => cell.arm))).toEqual(new Set(["natural", "control"]));
    const page = await openPage(`/runs/${simulated}`);
    await page.locator("table.headline").waitFor();
    const select = page.locator("label", { hasText: "Follow-up" }).locator("select");
    expect(await select.locator("option").allTextContents()).toContain(
      "0 — the model's own reply (baseline)",
    );
    await select.selectOption("0");
    await page.waitForURL(/followup=0/);
    const table = page.locator('table.headline[data-followup="0"]');
    await table.waitFor();
    expect(await table.locator("thead th").allTextContents()).toEqual([
      "Subject · scenario · factors",
      "natural",
      "control",
    ]);
    expect(await table.locator("td.cell").count()).toBe(baseline.length);
    const first = baseline[0];
    if (!first) throw new Error("no baseline cell");
    expect(
      seen(
        await table
          .locator(`td.cell[data-arm="${first.arm}"] .metric[data-metric="undesired"] .proportion`)
          .first()
          .textContent(),
      ),
    ).toMatch(/^\d+\.\d% \[/);
    const comparisons = page.locator("table.comparisons");
    expect(seen(await comparisons.locator("caption").textContent())).toContain(
      "Baseline: natural − control at the intervention point",
    );
    expect(await comparisons.locator("tbody tr").count()).toBe(
      results.comparisons.filter((row) => row.family === "baseline").length,
    );
    expect(await page.locator("p.note", { hasText: 'family "baseline"' }).count()).toBe(1);
    expect(await page.locator("details.definitions dt").allTextContents()).toContain("bounds");
    await page.close();
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
    await expect
      .poll(() => page.locator("p.progress").getAttribute("data-labelled"), UNTIL_SHOWN)
      .toBe("1");
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
    await expect
      .poll(() => page.locator("form.label-form").textContent(), UNTIL_SHOWN)
      .toContain("Turn 2");
    await page.close();
  });

  it("labels blind: the definition, the conversation with the placeholder, never an arm's text", async () => {
    const listed = await api<TrialPage>(`/api/runs/${simulated}/trials?arm=refusal`);
    const trial = listed.trials[0];
    if (!trial) throw new Error("no refusal trial");
    const { scenario } = await api<Transcript>(`/api/runs/${simulated}/trials/${trial.trialId}`);
    if (!scenario) throw new Error("no stored scenario");
    const armTexts = Object.values(scenario.interventions).flatMap(({ reasoning, output }) => [
      reasoning,
      output,
    ]);
    const page = await openPage(`/runs/${simulated}/label`);
    await page.locator("input[name=labeller]").fill("blind-reader");
    await page.getByRole("button", { name: "Start labelling" }).click();
    const form = page.locator("form.label-form");
    // Turns at the intervention point have no placeholder before them: skip to one after it.
    let placeholders = 0;
    for (let turn = 1; turn <= 12 && placeholders === 0; turn += 1) {
      await expect
        .poll(() => form.locator("p.muted").first().textContent())
        .toContain(`Turn ${turn} ·`);
      const shown = (await form.textContent()) ?? "";
      expect(seen(await form.locator(".definition").textContent())).toBe(scenario.undesired);
      for (const text of armTexts) expect(shown).not.toContain(text);
      expect(shown).not.toMatch(/refusal|rebuttal|natural|control|verdict/i);
      placeholders = await form.locator("ol.context li.withheld").count();
      if (placeholders === 0) await form.getByRole("button", { name: "Skip" }).click();
    }
    expect(placeholders).toBe(1);
    expect(seen(await form.locator("ol.context li.withheld p.text").textContent())).toBe(
      INTERVENTION_PLACEHOLDER,
    );
    expect(await form.locator("ol.context li").count()).toBeGreaterThan(1);
    await page.close();
  });

  it("compares the two runs: the primary contrast first, then cell by cell", async () => {
    const comparison = await api<RunComparison>(`/api/compare?a=${simulated}&b=${hostile}`);
    const page = await openPage(`/compare?a=${simulated}&b=${hostile}`);
    await page.locator("table.comparisons tbody tr").first().waitFor();
    expect(await page.locator("table.comparisons tbody tr").count()).toBeGreaterThan(0);
    expect(await page.locator("body").textContent()).toContain("independent samples");
    const primary = page.locator("section.primary-comparison");
    if (comparison.primary.between) {
      expect(await primary.locator("table.between-subjects tbody tr").count()).toBe(
        comparison.primary.between.rows.length,
      );
    } else {
      expect(await primary.locator(".problem").textContent()).toContain(
        comparison.primary.problem ?? "nothing to compare",
      );
    }
    const position = (selector: string) =>
      page.evaluate((wanted) => {
        const element = document.querySelector(wanted);
        return element ? [...document.querySelectorAll("main *")].indexOf(element) : -1;
      }, selector);
    expect(await position("section.primary-comparison")).toBeGreaterThanOrEqual(0);
    expect(await position("section.primary-comparison")).toBeLessThan(
      await position("table.comparisons"),
    );
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
      // Whatever the page holds has loaded (or failed to): an injected image's onerror has fired.
      await page.waitForLoadState("load");
      await page.waitForFunction(() => [...document.images].every((image) => image.complete));
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
