import { useCallback, useEffect, useRef } from "preact/hooks";
import type { ApiState } from "./api-client.ts";

/**
 * A refresh for a `useApi` answer that never abandons a fetch under way: asked while one is out
 * (an analysis of a big run can take longer than the run takes to change again), it waits for
 * that answer, then fetches once more. So a page following a busy run still gets answers, and
 * the server never has more than one of its requests to compute.
 */
export function useRefreshWhenIdle(
  state: Pick<ApiState<unknown>, "reload" | "loading">,
): () => void {
  const pending = useRef(false);
  const latest = useRef(state);
  latest.current = state;
  useEffect(() => {
    if (state.loading || !pending.current) return;
    pending.current = false;
    state.reload();
  }, [state.loading]);
  return useCallback(() => {
    if (latest.current.loading) pending.current = true;
    else latest.current.reload();
  }, []);
}

/**
 * Runs `task` one at a time: asked again while it runs, it runs once more when it ends, however
 * many times it was asked meanwhile.
 */
export function useOneAtATime(task: () => Promise<unknown>): () => void {
  const latest = useRef(task);
  latest.current = task;
  const state = useRef({ running: false, pending: false });
  return useCallback(() => {
    const current = state.current;
    if (current.running) {
      current.pending = true;
      return;
    }
    const run = () => {
      current.running = true;
      current.pending = false;
      latest.current().finally(() => {
        current.running = false;
        if (current.pending) run();
      });
    };
    run();
  }, []);
}
