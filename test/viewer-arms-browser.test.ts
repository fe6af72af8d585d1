/**
 * The arms of one sample in Chromium: a transcript links to the sample's other arms, two arms
 * stand side by side turn by turn, and people's labels sit beside the judges' verdicts with
 * their disagreements marked.
 */
import Database from "better-sqlite3";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveHumanLabels } from "../src/store/human-labels.ts";
import { launchChromium, SKIP_BROWSER_TESTS } from "./browser/chromium.ts";
import { closeViewerTest, openViewerPage } from "./browser/open-viewer-page.ts";
import { startViewerProcess, type ViewerProcess } from "./browser/start-viewer.ts";
import { runCandorForId, temporaryDirectory, tinyRunArguments } from "./run-fixture.ts";

/** Waits on what the page shows, long enough for a loaded machine. */
const UNTIL_SHOWN = { timeout: 30_000, interval: 50 };

interface SampleTrial {
  trial_id: string;
  arm: string;
}

describe.skipIf(SKIP_BROWSER_TESTS)(
  "the arms of a sample in Chromium",
  { timeout: 240_000 },
  () => {
    const runsDir = temporaryDirectory();
    let runId = "";
    let arms: Record<string, string> = {};
    let labelled = { turn: -1, judge: "" };
    let viewer: ViewerProcess;
    let browser: Browser;
    const problems: string[] = [];

    beforeAll(async () => {
      runId = await runCandorForId(tinyRunArguments(runsDir, 1));
      const database = new Database(`${runsDir}/${runId}/run.sqlite`);
      // The four arms of the run's first sample, and a judged turn of its refusal trial that one
      // person labels against the judge and another with it.
      const first = database.prepare("SELECT * FROM trials ORDER BY ordinal LIMIT 1").get() as {
        subject: string;
        scenario_id: string;
        levels_json: string;
        sample: number;
      };
      const siblings = database
        .prepare(
          "SELECT trial_id, arm FROM trials WHERE subject = ? AND scenario_id = ? AND levels_json = ? AND sample = ?",
        )
        .all(first.subject, first.scenario_id, first.levels_json, first.sample) as SampleTrial[];
      arms = Object.fromEntries(siblings.map((trial) => [trial.arm, trial.trial_id]));
      const verdict = database
        .prepare(
          "SELECT turn_index, judge, undesired FROM verdicts WHERE trial_id = ? AND undesired IN ('yes', 'no') ORDER BY turn_index LIMIT 1",
        )
        .get(arms.refusal) as { turn_index: number; judge: string; undesired: "yes" | "no" };
      labelled = { turn: verdict.turn_index, judge: verdict.judge };
      const opposite = verdict.undesired === "yes" ? "no" : "yes";
      const label = { trialId: arms.refusal as string, turnIndex: verdict.turn_index };
      saveHumanLabels(database, [
        { ...label, labeller: "ann", undesired: opposite, consistency: null },
        { ...label, labeller: "bob", undesired: verdict.undesired, consistency: null },
      ]);
      database.close();
      [viewer, browser] = await Promise.all([startViewerProcess(runsDir), launchChromium()]);
    });

    afterAll(async () => {
      expect(await closeViewerTest({ browser, viewer })).toBe(0);
      expect(problems).toEqual([]);
    });

    const openPage = (path: string) => openViewerPage(browser, viewer, path, problems);

    const trialHeading = (page: Page) => page.locator("h2 code").textContent();

    it("links a transcript to its sample's other arms and lands on the one clicked", async () => {
      const page = await openPage(`/runs/${runId}/trials/${arms.refusal}`);
      const links = page.locator("nav.arm-links");
      await expect
        .poll(() => links.locator("[aria-current=page]").textContent(), UNTIL_SHOWN)
        .toContain("refusal");
      expect(
        (
          await links
            .locator("a[data-arm]")
            .evaluateAll((found) => found.map((link) => link.getAttribute("data-arm")))
        ).sort(),
      ).toEqual(["control", "natural", "rebuttal"]);
      await links.locator("a[data-arm=rebuttal]").click();
      await page.waitForURL(new RegExp(`/trials/${arms.rebuttal}$`));
      await expect.poll(() => trialHeading(page), UNTIL_SHOWN).toBe(arms.rebuttal);
      await expect
        .poll(() => links.locator("[aria-current=page]").textContent(), UNTIL_SHOWN)
        .toContain("rebuttal");
      expect(await page.locator("li.turn-intervention").textContent()).toContain(
        "I won't hide the cracked frame",
      );
      await page.close();
    });

    it("sets refusal beside rebuttal turn by turn, marks where they part, and switches arms", async () => {
      const page = await openPage(`/runs/${runId}/trials/${arms.natural}`);
      await page.locator("nav.arm-links a.arms-side-by-side").click();
      await page.waitForURL(/\/arms/);
      const heads = page.locator(".arms-column-head");
      await expect
        .poll(
          () => heads.evaluateAll((found) => found.map((head) => head.getAttribute("data-arm"))),
          UNTIL_SHOWN,
        )
        .toEqual(["refusal", "rebuttal"]);
      const parting = page.locator(".arms-row.arms-parting");
      expect(await parting.count()).toBe(1);
      const partingText = (await parting.textContent()) ?? "";
      expect(partingText).toContain("I'm sorry, I can't help with that.");
      expect(partingText).toContain("I won't hide the cracked frame");
      expect(partingText).toContain("differs");
      // Equal prefix hashes: every turn before the intervention point is the same in both arms.
      expect(await page.locator(".arms-pairing").textContent()).toContain("paired");
      const before = await page
        .locator(".arms-row[data-turn]")
        .evaluateAll((rows) =>
          rows.map(
            (row) =>
              [
                Number(row.getAttribute("data-turn")),
                row.classList.contains("arms-same"),
                row.classList.contains("arms-parting"),
              ] as const,
          ),
        );
      const partingIndex = before.find(([, , isParting]) => isParting)?.[0] ?? -1;
      expect(partingIndex).toBeGreaterThan(0);
      expect(before.filter(([index]) => index < partingIndex).every(([, same]) => same)).toBe(true);

      await page
        .locator("label", { hasText: "Right arm" })
        .locator("select")
        .selectOption("natural");
      await page.waitForURL(/right=natural/);
      await expect
        .poll(
          () => heads.evaluateAll((found) => found.map((head) => head.getAttribute("data-arm"))),
          UNTIL_SHOWN,
        )
        .toEqual(["refusal", "natural"]);
      // The right column is the natural trial's transcript: its own model reply at the parting.
      await expect
        .poll(() => heads.locator("a.trial-id").allTextContents(), UNTIL_SHOWN)
        .toEqual([arms.refusal, arms.natural]);
      expect(await parting.locator(".arms-cell").nth(1).getAttribute("class")).toContain(
        "turn-generated",
      );
      await page.close();
    });

    it("shows each person's label beside the judges' verdicts, a disagreement marked in words", async () => {
      const page = await openPage(`/runs/${runId}/trials/${arms.refusal}`);
      const table = page.locator(`li[data-turn="${labelled.turn}"] table.judges-and-labels`);
      await table.waitFor({ timeout: UNTIL_SHOWN.timeout });
      const ann = table.locator("tr[data-labeller=ann] td.disagrees");
      expect(await ann.count()).toBe(1);
      expect(await ann.textContent()).toContain(`disagrees with ${labelled.judge}`);
      expect(await table.locator("tr[data-labeller=bob] td.disagrees").count()).toBe(0);
      expect(await table.locator(`tr[data-judge="${labelled.judge}"]`).count()).toBe(1);
      await page.close();
    });
  },
);
