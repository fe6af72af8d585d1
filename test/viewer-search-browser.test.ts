/**
 * Finding things in the trial list, in Chromium: a phrase typed into the search box lists the one
 * trial whose output holds it, with the phrase in its excerpt; a column sorts both ways; the judge
 * disagreement filter on a run with one judge says why it lists nothing.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, SKIP_BROWSER_TESTS } from "./browser/chromium.ts";
import { closeViewerTest, openViewerPage } from "./browser/open-viewer-page.ts";
import { startViewerProcess, type ViewerProcess } from "./browser/start-viewer.ts";
import { runCandorForId, temporaryDirectory, tinyRunArguments } from "./run-fixture.ts";

const UNTIL_SHOWN = { timeout: 30_000, interval: 50 };
const PHRASE = "saddle stitched with zebra thread";

/** Gives the first judged turn of one trial an output holding PHRASE; returns the trial's id. */
function plantPhrase(directory: string): string {
  const database = new Database(join(directory, "run.sqlite"));
  try {
    const turn = database
      .prepare("SELECT trial_id, turn_index FROM turns WHERE judged = 1 ORDER BY trial_id LIMIT 1")
      .get() as { trial_id: string; turn_index: number };
    const body = `Between us, the ${PHRASE} is the only original part.`;
    const { text_id } = database
      .prepare("INSERT INTO texts (hash, body) VALUES (?, ?) RETURNING text_id")
      .get(createHash("sha256").update(body).digest(), body) as { text_id: number };
    database
      .prepare("UPDATE turns SET output_id = ? WHERE trial_id = ? AND turn_index = ?")
      .run(text_id, turn.trial_id, turn.turn_index);
    // As writing the trial again would: the index maps trials finished since its last update.
    database
      .prepare("UPDATE trials SET finished_at = ? WHERE trial_id = ?")
      .run(new Date().toISOString(), turn.trial_id);
    return turn.trial_id;
  } finally {
    database.close();
  }
}

/** The tiny scenario's check adds a second verdict on one turn; without it, one judge a turn. */
function keepOneJudge(directory: string): void {
  const database = new Database(join(directory, "run.sqlite"));
  database.prepare("DELETE FROM verdicts WHERE judge = 'checks'").run();
  database.close();
}

describe.skipIf(SKIP_BROWSER_TESTS)("finding trials in Chromium", { timeout: 240_000 }, () => {
  const runsDir = temporaryDirectory();
  let searched = "";
  let oneJudge = "";
  let planted = "";
  let viewer: ViewerProcess;
  let browser: Browser;

  beforeAll(async () => {
    searched = await runCandorForId(tinyRunArguments(runsDir));
    oneJudge = await runCandorForId(tinyRunArguments(runsDir, 1));
    planted = plantPhrase(join(runsDir, searched));
    keepOneJudge(join(runsDir, oneJudge));
    [viewer, browser] = await Promise.all([startViewerProcess(runsDir), launchChromium()]);
  });

  afterAll(async () => {
    expect(await closeViewerTest({ browser, viewer })).toBe(0);
  });

  const openPage = (path: string) => openViewerPage(browser, viewer, path);

  const rows = (page: Page) => page.locator("table.trials tbody tr");

  it("lists only the trial whose output holds a typed phrase, with the phrase in its excerpt", async () => {
    const page = await openPage(`/runs/${searched}/trials`);
    await expect.poll(() => rows(page).count(), UNTIL_SHOWN).toBeGreaterThan(1);
    const search = page.getByRole("searchbox");
    await search.fill(`"${PHRASE}"`);
    await search.press("Enter");
    await expect
      .poll(() => page.locator("p.count").getAttribute("data-total"), UNTIL_SHOWN)
      .toBe("1");
    await expect.poll(() => rows(page).count(), UNTIL_SHOWN).toBe(1);
    expect(await rows(page).locator("a.trial-id").textContent()).toBe(planted);
    expect(await rows(page).locator("td.excerpt .excerpt-text").textContent()).toContain(PHRASE);
    expect(new URL(page.url()).searchParams.get("search")).toBe(`"${PHRASE}"`);
    // The same words out of order are not the phrase.
    await search.fill('"zebra thread stitched"');
    await search.press("Enter");
    await expect
      .poll(() => page.locator("p.count").textContent(), UNTIL_SHOWN)
      .toContain("no generated output or reasoning contains");
    await page.close();
  });

  it("sorts by a column, ascending then descending, kept in the address", async () => {
    const page = await openPage(`/runs/${searched}/trials`);
    await expect.poll(() => rows(page).count(), UNTIL_SHOWN).toBeGreaterThan(1);
    const arms = () => rows(page).locator("td:nth-child(4)").allTextContents();
    const sortByArm = page.locator('th button[data-sort="arm"]');
    await sortByArm.click();
    await expect.poll(() => new URL(page.url()).searchParams.get("sort"), UNTIL_SHOWN).toBe("arm");
    await expect.poll(async () => isSorted(await arms()), UNTIL_SHOWN).toBe(true);
    expect(await page.locator('th[aria-sort="ascending"]').count()).toBe(1);
    await sortByArm.click();
    await expect
      .poll(() => new URL(page.url()).searchParams.get("order"), UNTIL_SHOWN)
      .toBe("desc");
    await expect.poll(async () => isSorted((await arms()).reverse()), UNTIL_SHOWN).toBe(true);
    expect(await page.locator('th[aria-sort="descending"]').count()).toBe(1);
    const all = await arms();
    expect(new Set(all).size).toBeGreaterThan(1);
    await page.close();
  });

  it("explains an empty disagreement filter on a run with one judge", async () => {
    const page = await openPage(`/runs/${oneJudge}/trials?disagreement=1`);
    await expect
      .poll(() => page.locator("p.count").textContent(), UNTIL_SHOWN)
      .toContain("no turn has two judges");
    expect(await page.locator("p.count").textContent()).toContain("disagreement needs two or more");
    expect(await rows(page).count()).toBe(0);
    await page.close();
  });
});

function isSorted(values: string[]): boolean {
  return (
    values.length > 1 && values.every((value, index) => index === 0 || values[index - 1] <= value)
  );
}
