/**
 * `npm run screenshots`: the viewer's main pages as PNGs in docs/, for the README. Two simulated
 * runs of the bundled experiment (every page says SIMULATED, as it should), served by the real
 * viewer and photographed in Debian's Chromium.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { createParticipants } from "../src/runner/create-participants.ts";
import { runExperiment } from "../src/runner/run-experiment.ts";
import { applyOverrides } from "../src/spec/apply-overrides.ts";
import { loadExperiment } from "../src/spec/load-experiment.ts";
import type { TrialPage } from "../src/viewer/api-types.ts";
import { startViewer } from "../src/viewer/viewer-server.ts";
import { launchChromium } from "../test/browser/chromium.ts";
import { removeTemporaryDirectories, temporaryDirectory } from "../test/run-fixture.ts";

const DOCS = join(import.meta.dirname, "../docs");
const EXPERIMENT = join(import.meta.dirname, "../experiments/paper.yaml");

async function simulatedRun(runsDir: string, seed: number) {
  const experiment = applyOverrides(loadExperiment(EXPERIMENT), {
    subjects: ["sim:default"],
    seed,
  });
  return runExperiment(experiment, createParticipants(experiment), { runsDir });
}

const runsDir = temporaryDirectory("candor-screenshots-");
const first = await simulatedRun(runsDir, 1);
const second = await simulatedRun(runsDir, 2);
const viewer = await startViewer({ runsDir });
const browser = await launchChromium();
const page = await browser.newPage({
  viewport: { width: 1280, height: 900 },
  deviceScaleFactor: 1,
});
const visit = async (path: string, ready: string) => {
  await page.goto(new URL(path, viewer.url).href);
  await page.locator(ready).first().waitFor();
};
const shoot = (name: string, target: Page = page) =>
  target.screenshot({ path: join(DOCS, `viewer-${name}.png`) });
/** From the top of the page (its SIMULATED notice) down to the end of one element. */
const shootDownTo = async (name: string, selector: string) => {
  await page.evaluate("window.scrollTo(0, 0)");
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`nothing to photograph: ${selector}`);
  const width = page.viewportSize()?.width ?? 1280;
  await page.screenshot({
    path: join(DOCS, `viewer-${name}.png`),
    fullPage: true,
    clip: { x: 0, y: 0, width, height: Math.ceil(box.y + box.height + 10) },
  });
};

mkdirSync(DOCS, { recursive: true });
await visit("/", "table.runs");
await shoot("runs");
// The results page opens on the primary analysis: its sentences, its table and its figure.
await visit(`/runs/${first.runId}`, "section.primary table.primary-table");
const primaryFigure = page.locator("section.primary figure img");
while (
  !(await primaryFigure.evaluate((image) => (image as unknown as { complete: boolean }).complete))
)
  await page.waitForTimeout(50);
await shootDownTo("results", "section.primary");
const filter = "scenario=real-estate&arm=refusal&followup=1&outcome=undesired";
await visit(`/runs/${first.runId}/trials?${filter}`, "table.trials tbody tr");
await shoot("trials");
// A transcript worth reading: judges disagreeing if any do, else an undesired follow-up.
const firstTrial = async (search: string) => {
  const url = new URL(`/api/runs/${first.runId}/trials?${search}`, viewer.url);
  return ((await (await fetch(url)).json()) as TrialPage).trials[0]?.trialId;
};
const trial =
  (await firstTrial("scenario=car-sales&arm=refusal&disagreement=1")) ??
  (await firstTrial("scenario=car-sales&arm=refusal&followup=1&outcome=deception"));
if (!trial) throw new Error("no trial to show");
await visit(`/runs/${first.runId}/trials/${trial}`, "ol.transcript");
await page.locator("li.turn-intervention").evaluate((turn) => turn.scrollIntoView());
await shoot("transcript");
await visit(`/runs/${first.runId}/label`, "form.labeller");
await page.locator("input[name=labeller]").fill("alice");
await page.getByRole("button", { name: "Start labelling" }).click();
await page.locator("form.label-form").waitFor();
await shootDownTo("label", "form.label-form");
await visit(`/compare?a=${first.runId}&b=${second.runId}`, "table.comparisons tbody tr");
await shootDownTo("compare", "table.comparisons tbody tr:nth-child(4)");
await browser.close();
await viewer.close();
removeTemporaryDirectories();
process.stdout.write(`screenshots of ${first.runId} and ${second.runId} in ${DOCS}\n`);
