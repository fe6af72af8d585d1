import type { Context } from "hono";
import { FreshValues } from "./fresh-values.ts";
import type { RunCatalog } from "./run-catalog.ts";

/** Answers kept at once: about 100 KB each, a page of 100 trials with their excerpts. */
const PAGES_KEPT = 32;
const ENCODER = new TextEncoder();

/**
 * The trial list's answers as UTF-8 JSON bytes, kept per run version and query string: paging
 * back, a repeated filter or a page reloaded sends the same bytes again until the run changes.
 * Bytes from a TextEncoder, not a string: once any character is beyond Latin-1 (an excerpt's
 * "…", most models' quotes and dashes) Node writes a string, or makes a Buffer of it, on a slow
 * path, about 0.7 ms a page against 0.07 ms for TextEncoder.
 */
export class TrialPageAnswers {
  private readonly pages = new FreshValues(PAGES_KEPT);

  constructor(private readonly catalog: RunCatalog) {}

  async respond(context: Context, page: () => Promise<unknown>): Promise<Response> {
    const runId = context.req.param("run") as string;
    const key = `${runId}\n${new URL(context.req.url).search}`;
    const body = await this.pages.get(
      key,
      () => this.catalog.version(runId),
      async () => ENCODER.encode(JSON.stringify(await page())),
    );
    return context.body(body, 200, { "Content-Type": "application/json" });
  }
}
