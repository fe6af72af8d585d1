import { Hono } from "hono";
import * as z from "zod";
import {
  CONSISTENCY_LABELS,
  replaceHumanLabel,
  restoreHumanLabel,
  UNDESIRED_LABELS,
} from "../store/human-labels.ts";
import { labelKey, turnToLabel } from "../store/label-queue.ts";
import type { RunStore } from "../store/run-store.ts";
import type { BlindTurn, LabelQueueAnswer, LabelSaved } from "./api-types.ts";
import { type RunCatalog, ViewerRequestError } from "./run-catalog.ts";

const labelSubmission = z.strictObject({
  token: z.string().min(1).max(100),
  labeller: z.string().trim().min(1).max(80),
  undesired: z.enum(UNDESIRED_LABELS).nullable(),
  consistency: z.enum(CONSISTENCY_LABELS).nullable(),
});

/** Takes back a label the page saved: what it replaced (from LabelSaved) goes back, or nothing. */
const labelUndo = z.strictObject({
  token: z.string().min(1).max(100),
  labeller: z.string().trim().min(1).max(80),
  previous: z
    .strictObject({
      undesired: z.enum(UNDESIRED_LABELS).nullable(),
      consistency: z.enum(CONSISTENCY_LABELS).nullable(),
      createdAt: z.string().min(1).max(40),
    })
    .nullable(),
});

type Turn = { trialId: string; turnIndex: number };

/**
 * Blind labelling: the next turn in the labeller's order (see LabelQueue) under an opaque token,
 * labels sent back with it, stored as `candor label` stores them, and undone again (the page
 * keeps the stack of what its session did).
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
    const answer: LabelQueueAnswer = {
      item: next ? blindTurn(catalog, runId, store, next) : null,
      progress: queue.progress(store.database),
    };
    return context.json(answer);
  });
  routes.post("/runs/:run/labels", async (context) => {
    const runId = context.req.param("run");
    const store = catalog.open(runId);
    const { token, ...label } = parsedBody(labelSubmission, await jsonBody(context.req.raw));
    if (label.undesired === null && label.consistency === null)
      throw new ViewerRequestError(400, "undesired, consistency: give one or both");
    const turn = resolvedTurn(catalog, runId, store, token);
    const saved: LabelSaved = {
      saved: true,
      previous: replaceHumanLabel(store.database, { ...label, ...turn }),
    };
    return context.json(saved, 201);
  });
  // Undo: the labeller's label on the turn goes back to what it was before the page saved it.
  routes.delete("/runs/:run/labels", async (context) => {
    const runId = context.req.param("run");
    const store = catalog.open(runId);
    const { token, labeller, previous } = parsedBody(labelUndo, await jsonBody(context.req.raw));
    const turn = resolvedTurn(catalog, runId, store, token);
    restoreHumanLabel(store.database, { ...turn, labeller }, previous);
    const queue = await catalog.labelQueue(runId, labeller);
    const answer: LabelQueueAnswer = {
      item: blindTurn(catalog, runId, store, turn),
      progress: queue.progress(store.database),
    };
    return context.json(answer);
  });
  return routes;
}

function jsonBody(request: Request): Promise<unknown> {
  return request.json().catch(() => undefined);
}

function parsedBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.infer<Schema> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ViewerRequestError(400, `${issue?.path.join(".") || "body"}: ${issue?.message}`);
}

/** The judged turn a token names in this run, or a 404 the page can explain. */
function resolvedTurn(catalog: RunCatalog, runId: string, store: RunStore, token: string): Turn {
  const turn = catalog.blindTokens.resolve(runId, token);
  if (!turn || !turnToLabel(store.database, turn))
    throw new ViewerRequestError(404, "token: unknown turn (the viewer restarted?); reload");
  return turn;
}

function blindTurn(
  catalog: RunCatalog,
  runId: string,
  store: RunStore,
  turn: Turn,
): BlindTurn | null {
  const view = turnToLabel(store.database, turn);
  // Named field by field: the turn as read carries its trial id, which must not reach the page.
  return view
    ? {
        token: catalog.blindTokens.tokenFor({
          runId,
          trialId: turn.trialId,
          turnIndex: turn.turnIndex,
        }),
        scenario: view.scenario,
        view: view.view,
      }
    : null;
}
