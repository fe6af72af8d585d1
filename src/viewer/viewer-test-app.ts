/**
 * The viewer's server answered in-process (no socket), as the API tests ask it: every request
 * through the one allowed host. Not a test file itself: the API tests share it.
 */
import { expect } from "vitest";
import type { TrialPage, TrialSummary } from "./api-types.ts";
import { RunCatalog } from "./run-catalog.ts";
import { createViewerApp, VIEWER_ASSETS } from "./viewer-server.ts";

export const TEST_HOST = "127.0.0.1:4747";

export interface ViewerTestApp {
  catalog: RunCatalog;
  app: ReturnType<typeof createViewerApp>;
  /** A request with the allowed Host header added to the headers given. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** The JSON of an answer that must be a 200 (else the test fails, showing the body). */
  json<Answer>(path: string): Promise<Answer>;
  /** Every trial of a listing (`search`: its query string), following `next` page by page. */
  allTrials(runId: string, search: string): Promise<TrialSummary[]>;
  close(): void;
}

export function openViewerTestApp(
  runsDir: string,
  catalogOptions?: ConstructorParameters<typeof RunCatalog>[1],
): ViewerTestApp {
  const catalog = new RunCatalog(runsDir, catalogOptions);
  const app = createViewerApp({
    catalog,
    assetsDir: VIEWER_ASSETS,
    allowedHost: (host) => host === TEST_HOST,
  });
  const request = async (path: string, init: RequestInit = {}) =>
    app.request(path, { ...init, headers: { Host: TEST_HOST, ...(init.headers ?? {}) } });
  const json = async <Answer>(path: string): Promise<Answer> => {
    const response = await request(path);
    expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200);
    return (await response.json()) as Answer;
  };
  return {
    catalog,
    app,
    request,
    json,
    async allTrials(runId: string, search: string): Promise<TrialSummary[]> {
      const listed: TrialSummary[] = [];
      let after: number | null = -1;
      let total = -1;
      while (after !== null) {
        const page: TrialPage = await json(`/api/runs/${runId}/trials?${search}&after=${after}`);
        listed.push(...page.trials);
        total = page.total;
        after = page.next;
      }
      expect(listed).toHaveLength(total);
      return listed;
    },
    close: () => catalog.close(),
  };
}
