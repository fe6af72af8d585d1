import { useCallback, useEffect, useState } from "preact/hooks";
import type { ApiError } from "../api-types.ts";
import { type TrialQuery, trialQueryToSearch } from "../trial-query.ts";

/** Reads the viewer's API; a failed request throws its `error` message. */
export async function getJson<Answer>(path: string): Promise<Answer> {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  return answerOf<Answer>(response);
}

export function postJson<Answer>(path: string, body: unknown): Promise<Answer> {
  return sendJson<Answer>("POST", path, body);
}

/** A write with a JSON body (the server refuses any other: see viewer-server.ts). */
export async function sendJson<Answer>(
  method: "POST" | "DELETE",
  path: string,
  body: unknown,
): Promise<Answer> {
  const response = await fetch(path, {
    method,
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  return answerOf<Answer>(response);
}

async function answerOf<Answer>(response: Response): Promise<Answer> {
  const body = (await response.json().catch(() => ({ error: response.statusText }))) as
    | Answer
    | ApiError;
  if (!response.ok) throw new Error((body as ApiError).error ?? `HTTP ${response.status}`);
  return body as Answer;
}

export interface ApiState<Answer> {
  data: Answer | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

/** Fetches `path` whenever it changes; a null path fetches nothing. Late answers are dropped. */
export function useApi<Answer>(path: string | null): ApiState<Answer> {
  const [state, setState] = useState<Omit<ApiState<Answer>, "reload">>({
    data: undefined,
    error: undefined,
    loading: path !== null,
  });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  // `generation` is in the dependencies only to fetch again on reload().
  useEffect(() => {
    if (path === null) return;
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    getJson<Answer>(path).then(
      (data) => current && setState({ data, error: undefined, loading: false }),
      (error: Error) =>
        current && setState({ data: undefined, error: error.message, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [path, generation]);
  return { ...state, reload };
}

export function apiPath(path: string, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) params.set(name, value);
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

export function runPath(runId: string, rest = ""): string {
  return `/runs/${encodeURIComponent(runId)}${rest}`;
}

/** The trials page filtered by `trialQuery`: a link that keeps the filter. */
export function trialsHref(run: string, trialQuery: TrialQuery): string {
  const search = trialQueryToSearch(trialQuery);
  return runPath(run, `/trials${search ? `?${search}` : ""}`);
}
