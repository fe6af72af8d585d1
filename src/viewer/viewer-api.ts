import { type Context, Hono } from "hono";
import type { PAdjustment } from "../report/analyze-run.ts";
import { describeDesign } from "../spec/measurement-design.ts";
import { trialHumanLabels } from "../store/human-labels.ts";
import { storedDesign, storedScenario } from "../store/load-run-experiment.ts";
import { readTrial } from "../store/read-trials.ts";
import type { RunStore } from "../store/run-store.ts";
import {
  FIGURE_NAMES,
  type FigureName,
  type RunComparison,
  type RunFacetsAnswer,
  type RunResults,
  type ScenarioSummary,
  type Transcript,
  type TrialPage,
} from "./api-types.ts";
import { armRoutes } from "./arm-routes.ts";
import { callRoutes } from "./call-routes.ts";
import { labelRoutes } from "./label-routes.ts";
import { type RunCatalog, ViewerRequestError } from "./run-catalog.ts";
import { runLive, runsLive } from "./run-live.ts";
import { TrialPageAnswers } from "./trial-page-answers.ts";
import { trialQueryFromSearch } from "./trial-query.ts";

const PAGE_LIMIT = 100;

/** The JSON API under /api: runs, results, trials, transcripts, labels and comparisons. */
export function viewerApi(catalog: RunCatalog): Hono {
  const api = new Hono();
  api.onError((error, context) => {
    if (error instanceof ViewerRequestError)
      return context.json({ error: error.message }, error.status);
    return context.json({ error: error instanceof Error ? error.message : String(error) }, 500);
  });
  api.get("/runs", async (context) => context.json(await catalog.listRuns()));
  api.get("/live", (context) => context.json(runsLive(catalog)));
  api.get("/runs/:run/live", async (context) =>
    context.json(await runLive(catalog, context.req.param("run"))),
  );
  api.get("/runs/:run", async (context) => context.json(await results(catalog, context)));
  api.get("/runs/:run/figures/:file", async (context) => {
    const name = context.req.param("file").replace(/\.svg$/, "") as FigureName;
    if (!FIGURE_NAMES.includes(name)) throw new ViewerRequestError(404, `no figure "${name}"`);
    const runId = context.req.param("run");
    const figures = await catalog.figures(
      runId,
      await catalog.verdictSet(runId, context.req.query("judges")),
      adjustmentOf(context),
    );
    if (!figures[name]) throw new ViewerRequestError(404, `figure "${name}" has nothing to show`);
    return context.body(figures[name], 200, { "Content-Type": "image/svg+xml; charset=utf-8" });
  });
  api.get("/runs/:run/facets", async (context) => {
    const runId = context.req.param("run");
    return context.json({
      run: await catalog.summary(runId),
      facets: await catalog.facets(runId),
      judgeView: storedDesign(catalog.open(runId).database).judge_view,
    } satisfies RunFacetsAnswer);
  });
  const trialPages = new TrialPageAnswers(catalog);
  api.get("/runs/:run/trials", (context) =>
    trialPages.respond(context, () => trialPage(catalog, context)),
  );
  api.get("/runs/:run/trials/:trial", async (context) =>
    context.json(await transcript(catalog, context)),
  );
  api.route("/", labelRoutes(catalog));
  api.route("/", callRoutes(catalog));
  api.route("/", armRoutes(catalog));
  api.get("/compare", async (context) => context.json(await comparison(catalog, context)));
  return api;
}

function adjustmentOf(context: Context): PAdjustment {
  const adjust = context.req.query("adjust") ?? "holm";
  if (adjust !== "holm" && adjust !== "bh")
    throw new ViewerRequestError(400, "adjust: expected holm or bh");
  return adjust;
}

async function results(catalog: RunCatalog, context: Context): Promise<RunResults> {
  const runId = context.req.param("run") as string;
  const verdictSet = await catalog.verdictSet(runId, context.req.query("judges"));
  const adjustment = adjustmentOf(context);
  const [analysis, run, facets] = await Promise.all([
    catalog.analysis(runId, verdictSet, adjustment),
    catalog.summary(runId),
    catalog.facets(runId),
  ]);
  const figures = FIGURE_NAMES.filter((name) =>
    name === "persistence"
      ? analysis.cells.some((cell) => cell.followup > 1)
      : name === "primary"
        ? analysis.primary.by_scenario.length > 0
        : analysis.cells.length > 0,
  );
  return {
    run,
    verdictSet,
    judges: analysis.judges,
    adjustment,
    facets,
    design: analysis.design,
    designWords: describeDesign(analysis.design),
    primary: analysis.primary,
    families: analysis.families,
    cells: analysis.cells,
    comparisons: analysis.comparisons,
    errors: analysis.errors,
    usage: analysis.usage,
    figures,
  };
}

async function trialPage(catalog: RunCatalog, context: Context): Promise<TrialPage> {
  const runId = context.req.param("run") as string;
  const parsed = trialQueryFromSearch(new URL(context.req.url).searchParams);
  if ("error" in parsed) throw new ViewerRequestError(400, parsed.error);
  const { judges, sort, descending, ...filter } = parsed.query;
  const afterText = context.req.query("after") || "-1";
  if (!/^-?\d{1,15}$/.test(afterText))
    throw new ViewerRequestError(400, "after: expected a whole number");
  const after = Number(afterText);
  const verdictSet = await catalog.verdictSet(runId, judges);
  const page = await catalog.trialPage(runId, verdictSet, filter, {
    after,
    limit: PAGE_LIMIT + 1,
    sort: sort ? { key: sort, descending } : undefined,
  });
  const more = page.trials.length > PAGE_LIMIT;
  const trials = page.trials.slice(0, PAGE_LIMIT);
  return {
    total: page.total,
    trials,
    next: more ? (trials.at(-1)?.ordinal ?? null) : null,
    emptyBecause: page.emptyBecause ?? null,
  };
}

async function transcript(catalog: RunCatalog, context: Context): Promise<Transcript> {
  const runId = context.req.param("run") as string;
  const trialId = context.req.param("trial") as string;
  const verdictSet = await catalog.verdictSet(runId, context.req.query("judges"));
  const store = catalog.open(runId);
  const trial = readTrial(store.database, trialId, verdictSet);
  if (!trial) throw new ViewerRequestError(404, `no finished trial "${trialId}" in run ${runId}`);
  return {
    run: await catalog.recentSummary(runId),
    verdictSet,
    trial,
    scenario: scenarioSummary(store, trial.scenarioId),
    labels: trialHumanLabels(store.database, trialId),
  };
}

function scenarioSummary(store: RunStore, scenarioId: string): ScenarioSummary | null {
  const spec = storedScenario(store.database, scenarioId);
  return spec
    ? {
        id: spec.id,
        title: spec.title,
        undesired: spec.judging.undesired,
        interventions: spec.interventions,
      }
    : null;
}

async function comparison(catalog: RunCatalog, context: Context): Promise<RunComparison> {
  const adjustment = adjustmentOf(context);
  const side = async (name: "a" | "b") => {
    const runId = context.req.query(name);
    if (!runId) throw new ViewerRequestError(400, `${name}: name a run`);
    const run = await catalog.summary(runId);
    const verdictSet = await catalog.verdictSet(runId, context.req.query(`${name}Judges`));
    const subject = context.req.query(`${name}Subject`) || run.subjects[0] || "";
    if (!run.subjects.includes(subject))
      throw new ViewerRequestError(404, `${name}Subject: run ${runId} has no subject "${subject}"`);
    return { run, verdictSet, subject };
  };
  const a = await side("a");
  const b = await side("b");
  const compared = await catalog.comparison(
    { runId: a.run.runId, verdictSet: a.verdictSet, subject: a.subject },
    { runId: b.run.runId, verdictSet: b.verdictSet, subject: b.subject },
    adjustment,
  );
  return { a, b, adjustment, ...compared };
}
