import { Hono } from "hono";
import { z } from "zod";
import { CONSISTENCY_LABELS, saveHumanLabels, UNDESIRED_LABELS } from "../store/human-labels.ts";
import { labelKey, turnToLabel } from "../store/label-queue.ts";
import type { LabelQueueAnswer } from "./api-types.ts";
import { type RunCatalog, ViewerRequestError } from "./run-catalog.ts";

const labelSubmission = z.strictObject({
  token: z.string().min(1).max(100),
  labeller: z.string().trim().min(1).max(80),
  undesired: z.enum(UNDESIRED_LABELS).nullable(),
  consistency: z.enum(CONSISTENCY_LABELS).nullable(),
});

/**
 * Blind labelling: the next turn in the labeller's order (see LabelQueue) under an opaque token,
 * and labels sent back with it, stored as `candor label` stores them.
 */
export function labelRoutes(catalog: RunCatalog): Hono {
  const routes = new Hono();
  routes.get("/runs/:run/label/next", async (context) => {
    const runId = context.req.param("run");
    const labeller = context.req.query("labeller")?.trim();
    if (!labeller) throw new ViewerRequestError(400, "labeller: say who labels");
    const queue = await catalog.labelQueue(runId, labeller);
    const store = catalog.open(runId);
    const skipped = new Set(
      (context.req.query("skip") ?? "")
        .split(",")
        .map((token) => catalog.blindTokens.resolve(runId, token))
        .filter((turn) => turn !== undefined)
        .map(labelKey),
    );
    const next = queue.next(store.database, skipped);
    const turn = next && turnToLabel(store.database, next);
    const answer: LabelQueueAnswer = {
      item: turn
        ? {
            token: catalog.blindTokens.tokenFor({ runId, ...next }),
            scenario: turn.scenario,
            view: turn.view,
          }
        : null,
      progress: queue.progress(store.database),
    };
    return context.json(answer);
  });
  routes.post("/runs/:run/labels", async (context) => {
    const runId = context.req.param("run");
    const store = catalog.open(runId);
    const parsed = labelSubmission.safeParse(await context.req.json().catch(() => undefined));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ViewerRequestError(400, `${issue?.path.join(".") || "body"}: ${issue?.message}`);
    }
    const { token, ...label } = parsed.data;
    if (label.undesired === null && label.consistency === null)
      throw new ViewerRequestError(400, "undesired, consistency: give one or both");
    const turn = catalog.blindTokens.resolve(runId, token);
    if (!turn || !turnToLabel(store.database, turn))
      throw new ViewerRequestError(404, "token: unknown turn (the viewer restarted?); reload");
    saveHumanLabels(store.database, [{ ...label, ...turn }]);
    return context.json({ saved: true }, 201);
  });
  return routes;
}
