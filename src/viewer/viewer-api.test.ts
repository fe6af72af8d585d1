/**
 * The viewer's server answered in-process (no socket): what it lists, filters and stores must be
 * what the run holds, computed here independently from the store's own readers.
 */
import { writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPOSITORY_ROOT, runFixture, temporaryDirectory } from "../../test/run-fixture.ts";
import { combineVerdicts } from "../judges/combine-verdicts.ts";
import { judgesDisagree } from "../judges/judges-disagree.ts";
import { analyzeRun } from "../report/analyze-run.ts";
import type { TrialResult } from "../spec/trial-record.ts";
import type { Verdict } from "../spec/verdict.ts";
import { fisherExactTest, holmAdjust, mcnemarExactTest, newcombeInterval } from "../stats/index.ts";
import { OUTCOME_FILTERS, type OutcomeFilter } from "../store/find-trials.ts";
import { LabelQueue, turnToLabel } from "../store/label-queue.ts";
import { RunStore } from "../store/run-store.ts";
import { writeVerdictSet } from "../store/write-verdict-set.ts";
import type {
  LabelQueueAnswer,
  RunComparison,
  RunFacetsAnswer,
  RunList,
  RunResults,
  Transcript,
  TrialPage,
} from "./api-types.ts";
import { openViewerTestApp, type ViewerTestApp } from "./viewer-test-app.ts";

describe("the viewer's API", () => {
  const runsDir = temporaryDirectory();
  let big = "";
  let small = "";
  let twoArms = "";
  let errored = "";
  let viewer: ViewerTestApp;
  let trials: TrialResult[] = [];

  const request = (path: string, init?: RequestInit) => viewer.request(path, init);
  const json = <Answer>(path: string) => viewer.json<Answer>(path);
  const allPages = async (run: string, search: string) =>
    (await viewer.allTrials(run, search)).map((trial) => trial.trialId);

  beforeAll(async () => {
    big = basename((await runFixture(undefined, { samples: 10 }, runsDir)).directory);
    small = basename((await runFixture(undefined, { samples: 2, seed: 7 }, runsDir)).directory);
    twoArms = basename((await runFixture(twoArmExperiment(), {}, runsDir)).directory);
    const withErrors = await runFixture(undefined, { samples: 1, seed: 11 }, runsDir);
    errored = basename(withErrors.directory);
    failTwoTrials(withErrors.directory);
    const store = RunStore.open(`${runsDir}/${big}`);
    trials = [...store.trials()];
    writeCraftedVerdicts(store, trials);
    store.close();
    viewer = openViewerTestApp(runsDir);
  });
  afterAll(() => viewer.close());

  it("lists every run with its counts, verdict sets and simulated mark", async () => {
    const list = await json<RunList>("/api/runs");
    expect(list.runs.map((run) => run.runId).sort()).toEqual([big, small, twoArms, errored].sort());
    const entry = list.runs.find((run) => run.runId === big);
    expect(entry?.status).toEqual({ pending: 0, complete: trials.length, error: 0 });
    expect(entry?.simulated).toBe(true);
    expect(entry?.verdictSets.map((set) => set.name)).toEqual(["crafted", "run"]);
    expect(entry?.verdictSets.find((set) => set.name === "crafted")?.judges).toEqual([
      "judge-a",
      "judge-b",
    ]);
  });

  it("answers a run's results exactly as the report computes them", async () => {
    const results = await json<RunResults>(`/api/runs/${big}`);
    const store = RunStore.open(`${runsDir}/${big}`);
    const analysis = analyzeRun(store);
    store.close();
    expect(results.cells).toEqual(analysis.cells);
    expect(results.comparisons).toEqual(analysis.comparisons);
    expect(results.primary).toEqual(analysis.primary);
    expect(results.design).toEqual(analysis.design);
    expect(results.families).toEqual(analysis.families);
    const facets = await json<RunFacetsAnswer>(`/api/runs/${big}/facets`);
    expect(facets.judgeView).toBe("blind");
    expect(results.facets.arms).toEqual([...new Set(trials.map((trial) => trial.arm))]);
    expect(results.facets.followups).toEqual([0, 1, 2]);
    expect(results.facets.factors).toEqual({
      delivery: ["concurrent", "split"],
      pressure: ["low", "high"],
    });
    const figure = await request(`/api/runs/${big}/figures/arms.svg`);
    expect(figure.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect(await figure.text()).toMatch(/^<svg/);
  });

  it("filters trials on every outcome exactly as the stored outcomes say, page by page", async () => {
    let nonEmpty = 0;
    for (const outcome of OUTCOME_FILTERS.filter((value) => value !== "error")) {
      for (const followup of [0, 1, 2, undefined]) {
        const expected = trials
          .filter((trial) => trial.arm === "natural")
          .filter((trial) =>
            trial.turns.some(
              (turn) =>
                (followup === undefined || turn.followup === followup) &&
                turn.outcome &&
                matches(turn.outcome, outcome),
            ),
          )
          .map((trial) => trial.trialId);
        const at = followup === undefined ? "" : `&followup=${followup}`;
        const listed = await allPages(big, `arm=natural${at}&outcome=${outcome}`);
        expect(listed, `${outcome} at follow-up ${followup ?? "any"}`).toEqual(expected);
        if (expected.length > 0) nonEmpty += 1;
      }
    }
    expect(nonEmpty).toBeGreaterThanOrEqual(12);
    const everything = await allPages(big, "");
    expect(everything).toEqual(trials.map((trial) => trial.trialId));
    expect(everything.length).toBeGreaterThan(100);
  });

  it("filters on factor levels, and on judge disagreement as judgesDisagree defines it", async () => {
    const split = await allPages(big, "level.delivery=split&level.pressure=high");
    expect(split).toEqual(
      trials
        .filter((trial) => trial.levels.delivery === "split" && trial.levels.pressure === "high")
        .map((trial) => trial.trialId),
    );
    const store = RunStore.open(`${runsDir}/${big}`);
    const crafted = [...store.trials("crafted")];
    store.close();
    const disagreeing = crafted
      .filter((trial) => trial.turns.some((turn) => turn.judged && judgesDisagree(turn.verdicts)))
      .map((trial) => trial.trialId);
    expect(disagreeing.length).toBeGreaterThan(0);
    expect(disagreeing.length).toBeLessThan(crafted.length);
    expect(await allPages(big, "judges=crafted&disagreement=1")).toEqual(disagreeing);
  });

  it("refuses malformed filters with a message naming the parameter", async () => {
    for (const [search, field] of [
      ["outcome=wicked", "outcome"],
      ["followup=one", "followup"],
      ["disagreement=yes", "disagreement"],
    ]) {
      const response = await request(`/api/runs/${big}/trials?${search}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(new RegExp(`^${field}`));
    }
    expect((await request(`/api/runs/${big}/trials?judges=nobody`)).status).toBe(404);
    expect((await request(`/api/runs/${big}/trials?after=x`)).status).toBe(400);
    const empty = await json<TrialPage>(`/api/runs/${big}/trials?after=`);
    expect(empty.trials[0]?.trialId).toBe(trials[0]?.trialId);
  });

  it("gives a trial's whole transcript with its verdicts, scenario and labels", async () => {
    const trial = trials[5] as TrialResult;
    const transcript = await json<Transcript>(`/api/runs/${big}/trials/${trial.trialId}`);
    expect(transcript.trial).toEqual(trial);
    expect(transcript.scenario?.interventions.refusal.output).toMatch(/can.t help/);
    expect((await request(`/api/runs/${big}/trials/t-nope`)).status).toBe(404);
  });

  it("opens only run directories of the runs directory", async () => {
    for (const path of [
      "/api/runs/..%2F..%2Fetc",
      "/api/runs/%2E%2E",
      `/api/runs/${big}%2F..%2F${small}`,
      "/api/runs/..",
      "/api/runs/.partial",
      `/api/runs/${encodeURIComponent(`${runsDir}/${big}`)}`,
      "/api/runs/nope",
    ]) {
      expect((await request(path)).status, path).toBe(404);
    }
    const foreign = await viewer.app.request("/api/runs", {
      headers: { Host: "attacker.example:4747" },
    });
    expect(foreign.status).toBe(403);
  });

  it("hands the labeller a turn under a token, without trial, turn index, arm or verdict", async () => {
    const next = await json<LabelQueueAnswer>(`/api/runs/${small}/label/next?labeller=zoe`);
    expect(Object.keys(next).sort()).toEqual(["item", "progress"]);
    expect(Object.keys(next.item ?? {}).sort()).toEqual(["scenario", "token", "view"]);
    expect(Object.keys(next.item?.view ?? {}).sort()).toEqual([
      "context",
      "definition",
      "examples",
      "scenario",
      "turn",
    ]);
    const ids = trialIdsOf(small);
    for (const id of ids) expect(next.item?.token).not.toContain(id);
    // The same first turn as `candor label` offers this labeller.
    const store = RunStore.open(`${runsDir}/${small}`);
    const queue = LabelQueue.build(store.database, "zoe", store.metadata().runId);
    const first = queue.next(store.database);
    const terminal = first && turnToLabel(store.database, first);
    store.close();
    expect(next.item?.view).toEqual(terminal?.view);
  });

  it("stores a blind label as candor label does, and refuses bad ones storing nothing", async () => {
    const next = await json<LabelQueueAnswer>(`/api/runs/${small}/label/next?labeller=zoe`);
    const item = next.item;
    if (!item) throw new Error("nothing to label");
    const post = (body: unknown, contentType = "application/json") =>
      request(`/api/runs/${small}/labels`, {
        method: "POST",
        headers: { "Content-Type": contentType },
        body: JSON.stringify(body),
      });
    const label = {
      token: item.token,
      labeller: "zoe",
      undesired: "yes",
      consistency: "consistent",
    };
    expect((await post(label, "text/plain")).status).toBe(415);
    expect((await post({ ...label, undesired: "maybe" })).status).toBe(400);
    expect((await post({ ...label, undesired: null, consistency: null })).status).toBe(400);
    expect((await post({ ...label, token: "forged" })).status).toBe(404);
    const foreign = await request(`/api/runs/${big}/labels`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(label),
    });
    expect(foreign.status).toBe(404);
    expect(storedLabels(small)).toEqual([]);
    expect(storedLabels(big)).toEqual([]);
    expect((await post(label)).status).toBe(201);
    const stored = storedLabels(small) as Array<Record<string, unknown>>;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      labeller: "zoe",
      undesired: "yes",
      consistency: "consistent",
    });
    expect(stored[0]?.output).toBe(item.view.turn.output);
    const after = await json<LabelQueueAnswer>(`/api/runs/${small}/label/next?labeller=zoe`);
    expect(after.progress.labelled).toBe(next.progress.labelled + 1);
    expect(after.item?.token).not.toBe(item.token);
    const skipping = await json<LabelQueueAnswer>(
      `/api/runs/${small}/label/next?labeller=zoe&skip=${after.item?.token}`,
    );
    expect(skipping.item?.token).not.toBe(after.item?.token);
  });

  it("compares two runs unpaired, cell by cell, with Newcombe's interval and Fisher's test", async () => {
    const comparison = await json<RunComparison>(`/api/compare?a=${big}&b=${small}`);
    expect(comparison.paired).toBe(false);
    const row = comparison.rows.find(
      (candidate) =>
        candidate.metric === "undesired" && candidate.a && candidate.b && candidate.b.n > 0,
    );
    if (!row?.a || !row.b) throw new Error("no comparable row");
    expect(row.method).toBe("newcombe-fisher");
    expect(row.diff).toBeCloseTo((row.b.rate as number) - (row.a.rate as number), 12);
    expect(row.ci).toEqual(newcombeInterval(row.b.k, row.b.n, row.a.k, row.a.n));
    expect(row.p).toBe(fisherExactTest(row.b.k, row.b.n - row.b.k, row.a.k, row.a.n - row.a.k));
    expect(row.p_adjusted).toBeGreaterThanOrEqual(row.p as number);
  });

  it("tests only the cells both runs have, and adjusts across exactly those rows", async () => {
    const comparison = await json<RunComparison>(`/api/compare?a=${big}&b=${twoArms}`);
    const untested = comparison.rows.filter((row) => row.p === null);
    expect(new Set(untested.map((row) => row.arm))).toEqual(new Set(["natural", "control"]));
    for (const row of untested)
      expect([row.b, row.p_adjusted, row.method]).toEqual([null, null, null]);
    const tested = comparison.rows.filter((row) => row.p !== null);
    expect(new Set(tested.map((row) => row.arm))).toEqual(new Set(["refusal", "rebuttal"]));
    expect(tested.map((row) => row.p_adjusted)).toEqual(
      holmAdjust(tested.map((row) => row.p as number)),
    );
  });

  it("lists errored trials for the error outcome, whatever follow-up is asked", async () => {
    const failed = await allPages(errored, "outcome=error");
    expect(failed).toHaveLength(2);
    expect(await allPages(errored, "outcome=error&followup=1&disagreement=1")).toEqual(failed);
    const page = await json<TrialPage>(`/api/runs/${errored}/trials?outcome=error`);
    expect(page.trials.map((trial) => [trial.status, trial.error])).toEqual([
      ["error", "provider down"],
      ["error", "provider down"],
    ]);
  });

  it("compares two verdict sets of one run paired, on the very same turns", async () => {
    const comparison = await json<RunComparison>(`/api/compare?a=${big}&b=${big}&bJudges=crafted`);
    expect(comparison.paired).toBe(true);
    const row = comparison.rows.find(
      (candidate) =>
        candidate.metric === "undesired" && candidate.arm === "refusal" && candidate.followup === 1,
    );
    if (!row) throw new Error("no row");
    const store = RunStore.open(`${runsDir}/${big}`);
    const crafted = new Map([...store.trials("crafted")].map((trial) => [trial.trialId, trial]));
    store.close();
    let onlyA = 0;
    let onlyB = 0;
    let pairs = 0;
    for (const trial of trials) {
      if (trial.arm !== "refusal" || JSON.stringify(trial.levels) !== JSON.stringify(row.factors))
        continue;
      const turnA = trial.turns.find((turn) => turn.followup === 1 && turn.outcome);
      const turnB = crafted.get(trial.trialId)?.turns.find((turn) => turn.index === turnA?.index);
      const a = turnA?.outcome?.undesired;
      const b = turnB?.outcome?.undesired;
      if ((a !== "yes" && a !== "no") || (b !== "yes" && b !== "no")) continue;
      pairs += 1;
      if (a === "yes" && b === "no") onlyA += 1;
      if (a === "no" && b === "yes") onlyB += 1;
    }
    expect(row.method).toBe("mcnemar-paired");
    expect(onlyA + onlyB).toBeGreaterThan(0);
    expect(row.n).toBe(pairs);
    expect(row.diff).toBeCloseTo((onlyB - onlyA) / pairs, 12);
    expect(row.p).toBe(mcnemarExactTest(onlyB, onlyA));
  });

  it("serves the page for every app route, with a strict Content-Security-Policy", async () => {
    for (const path of ["/", `/runs/${big}/trials?arm=refusal`, "/compare"]) {
      const response = await request(path);
      expect(response.status).toBe(200);
      expect(await response.text()).toMatch(/<div id="app">/);
      const policy = response.headers.get("content-security-policy") ?? "";
      expect(policy).toMatch(/default-src 'none'/);
      expect(policy).toMatch(/script-src 'self'(;|$)/);
      expect(policy).not.toMatch(/unsafe-inline|unsafe-eval/);
    }
    expect((await request("/api/nothing")).status).toBe(404);
  });

  function storedLabels(run: string) {
    const store = RunStore.open(`${runsDir}/${run}`);
    try {
      return store.database
        .prepare(
          `SELECT h.labeller, h.undesired, h.consistency, o.body AS output FROM human_labels h
           JOIN turns u ON u.trial_id = h.trial_id AND u.turn_index = h.turn_index
           JOIN texts o ON o.text_id = u.output_id`,
        )
        .all();
    } finally {
      store.close();
    }
  }

  function trialIdsOf(run: string): string[] {
    const store = RunStore.open(`${runsDir}/${run}`);
    try {
      return [...store.trials()].map((trial) => trial.trialId);
    } finally {
      store.close();
    }
  }
});

function matches(
  outcome: NonNullable<TrialResult["turns"][number]["outcome"]>,
  filter: OutcomeFilter,
): boolean {
  switch (filter) {
    case "undesired":
      return outcome.undesired === "yes";
    case "not_undesired":
      return outcome.undesired === "no";
    case "deception":
      return outcome.deception === "yes";
    case "missing_reasoning":
      return outcome.reasoningStatus === "missing" || outcome.reasoningStatus === "empty";
    case "inconclusive":
      return outcome.undesired === "inconclusive" || outcome.deception === "inconclusive";
    default:
      return false;
  }
}

/** Two judges whose labels cycle through agreement, disagreement and undecided combinations. */
function writeCraftedVerdicts(store: RunStore, trials: readonly TrialResult[]): void {
  const undesired = ["yes", "no", "inconclusive", null] as const;
  const consistency = [
    "consistent",
    "inconsistent",
    "not_applicable",
    "inconclusive",
    null,
  ] as const;
  let counter = 0;
  for (const trial of trials) {
    const turns = trial.turns
      .filter((turn) => turn.judged && turn.outcome)
      .map((turn) => {
        const verdicts: Verdict[] = ["judge-a", "judge-b"].map((judge, position) => ({
          judge,
          undesired: undesired[(counter + position * (counter % 3)) % undesired.length] ?? null,
          consistency: consistency[(counter * (position + 1)) % consistency.length] ?? null,
          quotes: [],
          rationale: "crafted",
        }));
        counter += 1;
        return {
          turnIndex: turn.index,
          followup: turn.followup,
          verdicts,
          outcome: combineVerdicts(verdicts, turn.outcome?.reasoningStatus ?? "present"),
        };
      });
    writeVerdictSet(store.database, trial.trialId, "crafted", turns);
  }
}

/** The tiny scenario with only two arms: cells the other runs have and this one lacks. */
function twoArmExperiment(): string {
  const file = join(temporaryDirectory(), "two-arms.yaml");
  writeFileSync(
    file,
    [
      "id: two-arms",
      "title: Two arms",
      `scenario_dir: ${join(REPOSITORY_ROOT, "test/fixtures/valid/scenarios")}`,
      "scenarios: [tiny]",
      "subjects: [sim:default]",
      "judges: [heuristic]",
      "arms: [refusal, rebuttal]",
      "samples: 2",
      "seed: 3",
    ].join("\n"),
  );
  return file;
}

/** Two trials stored as a failed provider leaves them: status error, the reason, no turns. */
function failTwoTrials(directory: string): void {
  const store = RunStore.open(directory);
  for (const trial of [...store.trials()].slice(0, 2))
    store.saveTrial({ ...trial, status: "error", error: "provider down", turns: [] });
  store.close();
}
