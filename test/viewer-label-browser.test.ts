import Database from "better-sqlite3";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabelQueueAnswer } from "../src/viewer/api-types.ts";
import { launchChromium, SKIP_BROWSER_TESTS } from "./browser/chromium.ts";
import { closeViewerTest, openViewerPage } from "./browser/open-viewer-page.ts";
import { startViewerProcess, type ViewerProcess } from "./browser/start-viewer.ts";
import { runCandorForId, temporaryDirectory, tinyRunArguments } from "./run-fixture.ts";

/** Waits on what the page shows, long enough for a loaded machine (worker threads start on first use). */
const UNTIL_SHOWN = { timeout: 30_000, interval: 50 };

const LABELLER = "keyboard-labeller";

// Every wait in here is on state: a browser on a loaded machine is slow, not wrong.
describe.skipIf(SKIP_BROWSER_TESTS)(
  "labelling by keyboard in Chromium",
  { timeout: 240_000 },
  () => {
    const runsDir = temporaryDirectory();
    let run = "";
    let viewer: ViewerProcess;
    let browser: Browser;
    const problems: string[] = [];

    beforeAll(async () => {
      run = await runCandorForId(tinyRunArguments(runsDir));
      [viewer, browser] = await Promise.all([startViewerProcess(runsDir), launchChromium()]);
    });

    afterAll(async () => {
      expect(await closeViewerTest({ browser, viewer })).toBe(0);
      expect(problems).toEqual([]);
    });

    async function openLabelPage(): Promise<Page> {
      const page = await openViewerPage(browser, viewer, `/runs/${run}/label`, problems);
      await page.locator("input[name=labeller]").fill(LABELLER);
      await page.getByRole("button", { name: "Start labelling" }).click();
      await page.locator("form.label-form").waitFor();
      return page;
    }

    /** The labeller's progress as the API counts it. */
    async function labelledByApi(): Promise<number> {
      const response = await fetch(
        new URL(`/api/runs/${run}/label/next?labeller=${LABELLER}`, viewer.url),
      );
      return ((await response.json()) as LabelQueueAnswer).progress.labelled;
    }

    /** The labeller's stored labels, with the turn each is on (which the page never sees). */
    function storedLabels() {
      const database = new Database(`${runsDir}/${run}/run.sqlite`, { readonly: true });
      try {
        return database
          .prepare(
            "SELECT trial_id, turn_index, undesired, consistency FROM human_labels WHERE labeller = ?",
          )
          .all(LABELLER) as Array<Record<string, unknown>>;
      } finally {
        database.close();
      }
    }

    it("answers with keys, undoes with u to the same turn, and answers it again", async () => {
      const page = await openLabelPage();
      const form = page.locator("form.label-form");
      const progress = page.locator("p.progress");
      const firstTurn = await form.textContent();
      const total = await labelTotal(page);
      expect(await progress.textContent()).toContain(
        `labelled 0 of ${total} (0 this session), ${total} to go`,
      );
      // A key hint beside every answer and button, and the `?` list of every key.
      for (const key of ["y", "n", "c", "i", "a", "Enter", "s"])
        expect(await form.locator("kbd.key-hint", { hasText: key }).count()).toBeGreaterThan(0);
      await page.keyboard.press("?");
      await expect
        .poll(() => page.locator("dl.label-keys").textContent(), UNTIL_SHOWN)
        .toContain("undo the last label");

      // No shortcut fires while typing in a field, nor with a modifier held.
      await page.locator("input[name=labeller]").focus();
      await page.keyboard.press("s");
      await page.keyboard.press("y");
      expect(await page.locator("input[name=labeller]").inputValue()).toBe(`${LABELLER}sy`);
      await page.locator("input[name=labeller]").blur();
      await page.keyboard.press("Control+y");
      expect(await form.getByLabel("yes").isChecked()).toBe(false);
      expect(await form.textContent()).toBe(firstTurn);

      await page.keyboard.press("y");
      await page.keyboard.press("i");
      expect(await form.getByLabel("yes").isChecked()).toBe(true);
      expect(await form.getByLabel("inconsistent", { exact: true }).isChecked()).toBe(true);
      await page.keyboard.press("Enter");
      await expect.poll(() => progress.getAttribute("data-labelled"), UNTIL_SHOWN).toBe("1");
      expect(await progress.textContent()).toContain(
        `labelled 1 of ${total} (1 this session), ${total - 1} to go`,
      );
      await expect.poll(() => form.textContent(), UNTIL_SHOWN).toContain("Turn 2");
      expect(await labelledByApi()).toBe(1);
      const [first] = storedLabels();
      expect(first).toMatchObject({ undesired: "yes", consistency: "inconsistent" });

      await page.keyboard.press("u");
      await expect.poll(() => progress.getAttribute("data-labelled"), UNTIL_SHOWN).toBe("0");
      await expect.poll(() => form.textContent(), UNTIL_SHOWN).toBe(firstTurn);
      // The undone answers come back chosen, to change or to keep.
      expect(await form.getByLabel("yes").isChecked()).toBe(true);
      expect(await labelledByApi()).toBe(0);
      expect(storedLabels()).toEqual([]);

      await page.keyboard.press("n");
      await page.keyboard.press("c");
      await page.keyboard.press("Enter");
      await expect.poll(() => progress.getAttribute("data-labelled"), UNTIL_SHOWN).toBe("1");
      expect(storedLabels()).toEqual([{ ...first, undesired: "no", consistency: "consistent" }]);

      // Skip and its undo: the skipped turn comes back.
      await expect.poll(() => form.textContent(), UNTIL_SHOWN).toContain("Turn 2");
      const skippedTurn = await form.textContent();
      await page.keyboard.press("s");
      await expect.poll(() => form.textContent(), UNTIL_SHOWN).toContain("Turn 3");
      await page.keyboard.press("u");
      await expect.poll(() => form.textContent(), UNTIL_SHOWN).toBe(skippedTurn);

      // Finish: the session's summary, the same counts as the terminal prints.
      await page.keyboard.press("f");
      const summary = page.locator("section.label-summary");
      await summary.waitFor();
      const row = (name: string) => summary.locator(`[data-row="${name}"] dd`).textContent();
      expect(await row("labelled this session")).toBe("1");
      expect(await row("undesired")).toBe("no 1");
      expect(await row("reasoning vs output")).toBe("consistent 1");
      expect(await row("skipped")).toBe("0");
      expect(await row("undone")).toBe("2");
      expect(await row("labelled in all")).toBe(`1 of ${total}, ${total - 1} to go`);
      await page.keyboard.press("f");
      await expect.poll(() => form.textContent(), UNTIL_SHOWN).toBe(skippedTurn);
      await page.close();
    });

    async function labelTotal(page: Page): Promise<number> {
      const text = (await page.locator("p.progress").textContent()) ?? "";
      const total = /labelled \d+ of ([\d,]+)/.exec(text)?.[1];
      if (!total) throw new Error(`no progress shown: ${text}`);
      return Number(total.replaceAll(",", ""));
    }
  },
);
