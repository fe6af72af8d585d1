import { type Context, Hono } from "hono";
import { z } from "zod";
import type { PAdjustment } from "../report/analyze-run.ts";
import { compareRuns } from "../report/compare-runs.ts";
import { scenarioFromData } from "../spec/load-scenario.ts";
import { findTrials } from "../store/find-trials.ts";
import { saveHumanLabels } from "../store/human-labels.ts";
import { labelKey, turnToLabel } from "../store/label-queue.ts";
import { readTrial } from "../store/read-trials.ts";
import type { RunStore } from "../store/run-store.ts";
import {
  FIGURE_NAMES,
  type FigureName,
  type HumanLabelRow,
  type LabelQueueAnswer,
  type RunComparison,
  type RunFacetsAnswer,
  type RunResults,
  type ScenarioSummary,
  type Transcript,
  type TrialPage,
} from "./api-types.ts";
import { type RunCatalog, ViewerRequestError } from "./run-catalog.ts";
import { trialQueryFromSearch } from "./trial-query.ts";

const PAGE_LIMIT = 100;

const labelSubmission = z.strictObject({
  trialId: z.string().min(1).max(200),
  turnIndex: z.number().int().min(0),
  labeller: z.string().trim().min(1).max(80),
  undesired: z.enum(["yes", "no"]).nullable(),
  consistency: z.enum(["consistent", "inconsistent", "not_applicable"]).nullable(),
});

/** The JSON API under /api: runs, results, trials, transcripts, labels and comparisons. */
export function viewerApi(catalog: RunCatalog): Hono {
  const api = new Hono();
  api.onError((error, context) => {
    if (error instanceof ViewerRequestError)
      return context.json({ error: error.message }, error.status);
    return context.json({ error: error instanceof Error ? error.message : String(error) }, 500);
  });
  api.get("/runs", (context) => context.json(catalog.list()));
  api.get("/runs/:run", (context) => context.json(results(catalog, context)));
  api.get("/runs/:run/figures/:file", async (context) => {
    const name = context.req.param("file").replace(/\.svg$/, "") as FigureName;
    if (!FIGURE_NAMES.includes(name)) throw new ViewerRequestError(404, `no figure "${name}"`);
    const runId = context.req.param("run");
    const figures = await catalog.figures(
      runId,
      catalog.verdictSet(runId, context.req.query("judges")),
      adjustmentOf(context),
    );
    if (!figures[name]) throw new ViewerRequestError(404, `figure "${name}" has nothing to show`);
    return context.body(figures[name], 200, { "Content-Type": "image/svg+xml; charset=utf-8" });
  });
  api.get("/runs/:run/facets", (context) => {
    const runId = context.req.param("run");
    return context.json({
      run: catalog.summary(runId),
      facets: catalog.facets(runId),
    } satisfies RunFacetsAnswer);
  });
  api.get("/runs/:run/trials", (context) => context.json(trialPage(catalog, context)));
  api.get("/runs/:run/trials/:trial", (context) => context.json(transcript(catalog, context)));
  api.get("/runs/:run/label/next", (context) => context.json(nextLabel(catalog, context)));
  api.post("/runs/:run/labels", async (context) => {
    const store = catalog.open(context.req.param("run"));
    const parsed = labelSubmission.safeParse(await context.req.json().catch(() => undefined));
    if (!parsed.success)
      throw new ViewerRequestError(400, `bad label: ${parsed.error.issues[0]?.message}`);
    const label = parsed.data;
    if (label.undesired === null && label.consistency === null)
      throw new ViewerRequestError(400, "bad label: give undesired, consistency or both");
    if (!turnToLabel(store.database, label))
      throw new ViewerRequestError(404, `no judged turn ${label.turnIndex} in ${label.trialId}`);
    saveHumanLabels(store.database, [label]);
    return context.json({ saved: labelKey(label) }, 201);
  });
  api.get("/compare", (context) => context.json(comparison(catalog, context)));
  return api;
}

function adjustmentOf(context: Context): PAdjustment {
  const adjust = context.req.query("adjust") ?? "holm";
  if (adjust !== "holm" && adjust !== "bh")
    throw new ViewerRequestError(400, "adjust: expected holm or bh");
  return adjust;
}

function results(catalog: RunCatalog, context: Context): RunResults {
  const runId = context.req.param("run") as string;
  const verdictSet = catalog.verdictSet(runId, context.req.query("judges"));
  const adjustment = adjustmentOf(context);
  const analysis = catalog.analysis(runId, verdictSet, adjustment);
  const figures = FIGURE_NAMES.filter((name) =>
    name === "persistence"
      ? analysis.cells.some((cell) => cell.followup > 1)
      : analysis.cells.length > 0,
  );
  return {
    run: catalog.summary(runId),
    verdictSet,
    adjustment,
    facets: catalog.facets(runId),
    cells: analysis.cells,
    comparisons: analysis.comparisons,
    errors: analysis.errors,
    usage: analysis.usage,
    figures,
  };
}

function trialPage(catalog: RunCatalog, context: Context): TrialPage {
  const runId = context.req.param("run") as string;
  const parsed = trialQueryFromSearch(new URL(context.req.url).searchParams);
  if ("error" in parsed) throw new ViewerRequestError(400, parsed.error);
  const { judges, ...filter } = parsed.query;
  const after = Number(context.req.query("after") ?? -1);
  if (!Number.isInteger(after)) throw new ViewerRequestError(400, "after: expected a whole number");
  const page = findTrials(catalog.open(runId).database, catalog.verdictSet(runId, judges), filter, {
    after,
    limit: PAGE_LIMIT + 1,
  });
  const more = page.trials.length > PAGE_LIMIT;
  const trials = page.trials.slice(0, PAGE_LIMIT);
  return { total: page.total, trials, next: more ? (trials.at(-1)?.ordinal ?? null) : null };
}

function transcript(catalog: RunCatalog, context: Context): Transcript {
  const runId = context.req.param("run") as string;
  const trialId = context.req.param("trial") as string;
  const verdictSet = catalog.verdictSet(runId, context.req.query("judges"));
  const store = catalog.open(runId);
  const trial = readTrial(store.database, trialId, verdictSet);
  if (!trial) throw new ViewerRequestError(404, `no finished trial "${trialId}" in run ${runId}`);
  return {
    run: catalog.summary(runId),
    verdictSet,
    trial,
    scenario: scenarioSummary(store, trial.scenarioId),
    labels: store.database
      .prepare(
        `SELECT turn_index AS turnIndex, labeller, undesired, consistency, created_at AS createdAt
         FROM human_labels WHERE trial_id = ? ORDER BY turn_index, labeller`,
      )
      .all(trialId) as HumanLabelRow[],
  };
}

/** The run's stored copy of the scenario; null if it no longer reads (made by an older candor). */
function scenarioSummary(store: RunStore, scenarioId: string): ScenarioSummary | null {
  const row = store.database
    .prepare("SELECT file, source_json FROM scenarios WHERE scenario_id = ?")
    .get(scenarioId) as { file: string; source_json: string } | undefined;
  if (!row) return null;
  try {
    const { spec } = scenarioFromData(JSON.parse(row.source_json), row.file);
    return {
      id: spec.id,
      title: spec.title,
      undesired: spec.judging.undesired,
      interventions: spec.interventions,
    };
  } catch {
    return null;
  }
}

function nextLabel(catalog: RunCatalog, context: Context): LabelQueueAnswer {
  const runId = context.req.param("run") as string;
  const store = catalog.open(runId);
  const labeller = context.req.query("labeller")?.trim();
  if (!labeller) throw new ViewerRequestError(400, "labeller: say who labels");
  const skipped = new Set((context.req.query("skip") ?? "").split(",").filter(Boolean));
  const queue = catalog.labelQueue(runId, labeller);
  const next = queue.next(store.database, skipped);
  return {
    item: next ? (turnToLabel(store.database, next) ?? null) : null,
    progress: queue.progress(store.database),
  };
}

function comparison(catalog: RunCatalog, context: Context): RunComparison {
  const adjustment = adjustmentOf(context);
  const side = (name: "a" | "b") => {
    const runId = context.req.query(name);
    if (!runId) throw new ViewerRequestError(400, `${name}: name a run`);
    const run = catalog.summary(runId);
    const verdictSet = catalog.verdictSet(runId, context.req.query(`${name}Judges`));
    const subject = context.req.query(`${name}Subject`) || run.subjects[0] || "";
    if (!run.subjects.includes(subject))
      throw new ViewerRequestError(404, `${name}Subject: run ${runId} has no subject "${subject}"`);
    return { run, verdictSet, subject, store: catalog.open(runId) };
  };
  const a = side("a");
  const b = side("b");
  const compared = compareRuns(
    { ...a, database: a.store.database, directory: a.store.directory },
    { ...b, database: b.store.database, directory: b.store.directory },
    adjustment,
  );
  const strip = ({ run, verdictSet, subject }: typeof a) => ({ run, verdictSet, subject });
  return { a: strip(a), b: strip(b), adjustment, ...compared };
}
