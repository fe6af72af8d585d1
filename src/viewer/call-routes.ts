import { Hono } from "hono";
import { readTrialCalls } from "../store/call-records.ts";
import { readTrial } from "../store/read-trials.ts";
import type { TrialCallsAnswer } from "./api-types.ts";
import { type RunCatalog, ViewerRequestError } from "./run-catalog.ts";

/**
 * A trial's model calls, asked for when a transcript opens one: what the subject, the pressurer
 * and the judges of one verdict set were sent and what came back. One trial's rows: main thread.
 */
export function callRoutes(catalog: RunCatalog): Hono {
  const routes = new Hono();
  routes.get("/runs/:run/trials/:trial/calls", async (context) => {
    const runId = context.req.param("run");
    const trialId = context.req.param("trial");
    const verdictSet = await catalog.verdictSet(runId, context.req.query("judges"));
    const { database } = catalog.open(runId);
    if (!readTrial(database, trialId, verdictSet))
      throw new ViewerRequestError(404, `no finished trial "${trialId}" in run ${runId}`);
    const calls = readTrialCalls(database, trialId, verdictSet);
    // Opening a run adds the calls table to it, so an old run's trials have a table but no rows.
    const answer: TrialCallsAnswer = {
      trialId,
      verdictSet,
      recorded: calls !== undefined && calls.length > 0,
      calls: calls ?? [],
    };
    return context.json(answer);
  });
  return routes;
}
