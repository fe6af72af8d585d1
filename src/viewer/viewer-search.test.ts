/**
 * The trial list's search, sort and empty answers through the viewer's API, checked against what
 * the run holds, read independently through the store's own reader.
 */
import { basename } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFixture, temporaryDirectory } from "../../test/run-fixture.ts";
import type { TrialResult } from "../spec/trial-record.ts";
import { RunStore } from "../store/run-store.ts";
import { TRIAL_SORT_KEYS } from "../store/trial-sort.ts";
import type { TrialPage, TrialSummary } from "./api-types.ts";
import { openViewerTestApp, type ViewerTestApp } from "./viewer-test-app.ts";

/** The words of a text, lower case, one space apart: how a phrase search reads it. */
const words = (text: string) =>
  ` ${text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()} `;

describe("searching and sorting the trial list", () => {
  const runsDir = temporaryDirectory();
  let many = "";
  let oneJudge = "";
  let trials: TrialResult[] = [];
  let viewer: ViewerTestApp;

  const json = (path: string) => viewer.json<TrialPage>(path);
  const allPages = (run: string, search: string) => viewer.allTrials(run, search);

  beforeAll(async () => {
    many = basename((await runFixture(undefined, { samples: 8 }, runsDir)).directory);
    oneJudge = basename((await runFixture(undefined, { samples: 1, seed: 3 }, runsDir)).directory);
    // The tiny scenario's check is a second verdict on its last turn; without it, one judge.
    const single = RunStore.open(`${runsDir}/${oneJudge}`);
    single.database.prepare("DELETE FROM verdicts WHERE judge = 'checks'").run();
    single.close();
    const store = RunStore.openForReading(`${runsDir}/${many}`);
    trials = [...store.trials()];
    store.close();
    viewer = openViewerTestApp(runsDir);
  });
  afterAll(() => viewer.close());

  it("finds exactly the trials whose outputs or reasoning hold a phrase, with the phrase in view", async () => {
    for (const phrase of ["cracked frame", "perfect condition", "keep it quiet"]) {
      const expected = trials
        .filter((trial) =>
          trial.turns.some((turn) =>
            [turn.parsed?.output, turn.parsed?.reasoning].some(
              (text) => text !== undefined && words(text).includes(` ${phrase} `),
            ),
          ),
        )
        .map((trial) => trial.trialId);
      expect(expected.length, phrase).toBeGreaterThan(0);
      expect(expected.length, phrase).toBeLessThan(trials.length);
      const search = new URLSearchParams({ search: `"${phrase}"` });
      const listed = await allPages(many, search.toString());
      expect(listed.map((trial) => trial.trialId).sort(), phrase).toEqual(expected.sort());
      for (const trial of listed) expect(words(trial.excerpt?.text ?? "")).toContain(phrase);
    }
  });

  it("shows each trial's judged output and its reasoning status without a search", async () => {
    const page = await json(`/api/runs/${many}/trials?followup=2`);
    for (const summary of page.trials) {
      const trial = trials.find((candidate) => candidate.trialId === summary.trialId);
      const turn = trial?.turns.find((candidate) => candidate.judged && candidate.followup === 2);
      expect(summary.excerpt?.followup).toBe(2);
      expect(summary.excerpt?.reasoningStatus).toBe(turn?.parsed?.reasoningStatus);
      expect(summary.excerpt?.text.length).toBeLessThanOrEqual(162);
      expect(turn?.parsed?.output.replace(/\s+/g, " ")).toContain(
        summary.excerpt?.text.replace(/…$/, ""),
      );
    }
  });

  it("treats FTS syntax in a search as words and never fails on it", async () => {
    for (const search of ['"', "NEAR(", "NEAR(frame cracked, 2)", "frame OR", "body:frame", "*"]) {
      const page = await json(`/api/runs/${many}/trials?${new URLSearchParams({ search })}`);
      if (page.total === 0) expect(page.emptyBecause, search).toBeTruthy();
    }
    const quote = await json(`/api/runs/${many}/trials?search=${encodeURIComponent('"')}`);
    expect(quote.emptyBecause).toMatch(/no words to look for/);
    const none = await json(`/api/runs/${many}/trials?search=unicorn`);
    expect(none.total).toBe(0);
    expect(none.emptyBecause).toBe("no generated output or reasoning contains “unicorn”");
  });

  it("sorts by every column both ways, and pages through every trial once", async () => {
    const plan = (await allPages(many, "")).map((trial) => trial.trialId);
    const keyOf: Record<
      (typeof TRIAL_SORT_KEYS)[number],
      (trial: TrialSummary) => string | number
    > = {
      ordinal: (trial) => trial.ordinal,
      subject: (trial) => trial.subject,
      scenario: (trial) => trial.scenario,
      levels: (trial) => JSON.stringify(trial.levels),
      arm: (trial) => trial.arm,
      sample: (trial) => trial.sample,
      status: (trial) => trial.status,
      undesired: (trial) => trial.followups.filter((turn) => turn.undesired === "yes").length,
      deception: (trial) => trial.followups.filter((turn) => turn.deception === "yes").length,
      missing_reasoning: (trial) =>
        trial.followups.filter((turn) => ["missing", "empty"].includes(turn.reasoningStatus))
          .length,
      disagreement: (trial) => trial.followups.filter((turn) => turn.disagreement).length,
    };
    for (const key of TRIAL_SORT_KEYS) {
      for (const order of ["asc", "desc"]) {
        const listed = await allPages(many, `sort=${key}&order=${order}`);
        expect(listed.map((trial) => trial.trialId).sort()).toEqual([...plan].sort());
        const sign = order === "asc" ? 1 : -1;
        for (let index = 1; index < listed.length; index++) {
          const [before, after] = [listed[index - 1], listed[index]] as [
            TrialSummary,
            TrialSummary,
          ];
          const [x, y] = [keyOf[key](before), keyOf[key](after)];
          const inOrder =
            x === y ? sign * (after.ordinal - before.ordinal) > 0 : sign * (x < y ? 1 : -1) > 0;
          expect(inOrder, `${key} ${order} at ${index}: ${x} then ${y}`).toBe(true);
        }
      }
    }
    const byUndesired = await json(`/api/runs/${many}/trials?sort=undesired&order=desc`);
    expect(byUndesired.trials[0]?.followups.some((turn) => turn.undesired === "yes")).toBe(true);
  });

  it("refuses an unknown sort or order", async () => {
    for (const search of ["sort=colour", "sort=arm&order=sideways"]) {
      const response = await viewer.request(`/api/runs/${many}/trials?${search}`);
      expect(response.status).toBe(400);
    }
  });

  it("says why a listing is empty", async () => {
    const disagreement = await json(`/api/runs/${oneJudge}/trials?disagreement=1`);
    expect(disagreement.total).toBe(0);
    expect(disagreement.emptyBecause).toBe(
      'no turn has two judges in verdict set "run": disagreement needs two or more',
    );
    const errors = await json(`/api/runs/${many}/trials?arm=refusal&outcome=error`);
    expect(errors.total).toBe(0);
    const refusals = trials.filter((trial) => trial.arm === "refusal").length;
    expect(errors.emptyBecause).toBe(
      `the outcome (error) filter leaves no trial: ${refusals} trials match the filters before it`,
    );
  });
});
