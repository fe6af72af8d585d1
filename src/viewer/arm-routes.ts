import { Hono } from "hono";
import { sampleArms } from "../store/sample-arms.ts";
import type { SampleArmsAnswer } from "./api-types.ts";
import { type RunCatalog, ViewerRequestError } from "./run-catalog.ts";

/**
 * The arms of one sample: the trials that share a trial's subject, scenario, factor levels and
 * sample index, for the transcript's links and the side-by-side view. One indexed lookup, on the
 * request path like a transcript.
 */
export function armRoutes(catalog: RunCatalog): Hono {
  const routes = new Hono();
  routes.get("/runs/:run/trials/:trial/arms", (context) => {
    const runId = context.req.param("run");
    const trialId = context.req.param("trial");
    const arms = sampleArms(catalog.open(runId).database, trialId);
    if (!arms) throw new ViewerRequestError(404, `no trial "${trialId}" in run ${runId}`);
    return context.json({ trialId, arms } satisfies SampleArmsAnswer);
  });
  return routes;
}
