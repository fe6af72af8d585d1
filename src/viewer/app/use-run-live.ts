import { useEffect, useRef, useState } from "preact/hooks";
import type { RunLive, RunsLive } from "../api-types.ts";
import { getJson, runPath } from "./api-client.ts";

/** How often a page asks about a run being written. */
export const POLL_WRITING_MS = 1000;
/** How often it asks about runs at rest (a resume may start), and while the tab is hidden. */
export const POLL_IDLE_MS = 5000;

/**
 * Follows one run: its version, counts, stop and, while it is written, the session's figures.
 * `onChange` runs when the run's version moves or its writing stops, so the page fetches what it
 * shows again: whole answers are fetched only then, never on every poll.
 */
export function useRunLive(runId: string, onChange?: () => void): RunLive | undefined {
  return usePolling<RunLive>(
    `/api${runPath(runId, "/live")}`,
    (live) => `${live.version} ${live.writing}`,
    (live) => live?.writing === true,
    onChange,
  );
}

/** Follows every run's version and lock, for the runs list. */
export function useRunsLive(onChange?: () => void): RunsLive | undefined {
  return usePolling<RunsLive>(
    "/api/live",
    (live) => JSON.stringify(live.runs),
    (live) => live?.runs.some((run) => run.writing) === true,
    onChange,
  );
}

function usePolling<Answer>(
  path: string,
  versionOf: (answer: Answer) => string,
  busy: (answer: Answer | undefined) => boolean,
  onChange: (() => void) | undefined,
): Answer | undefined {
  const [answer, setAnswer] = useState<Answer>();
  // The latest callbacks, without restarting the polling whenever the page renders.
  const latest = useRef({ versionOf, busy, onChange });
  latest.current = { versionOf, busy, onChange };
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let seen: string | undefined;
    let last: Answer | undefined;
    let asking = false;
    const poll = async () => {
      // One question at a time: a tab shown again while one is out waits for its answer.
      if (asking) return;
      asking = true;
      try {
        const next = await getJson<Answer>(path);
        if (stopped) return;
        const version = latest.current.versionOf(next);
        if (seen !== undefined && version !== seen) latest.current.onChange?.();
        seen = version;
        last = next;
        setAnswer(next);
      } catch {
        // The server may be restarting: keep what was shown and ask again later.
      }
      asking = false;
      if (stopped) return;
      clearTimeout(timer);
      const fast = latest.current.busy(last) && document.visibilityState !== "hidden";
      timer = setTimeout(poll, fast ? POLL_WRITING_MS : POLL_IDLE_MS);
    };
    const onVisible = () => {
      if (document.visibilityState !== "visible" || stopped) return;
      clearTimeout(timer);
      poll();
    };
    document.addEventListener("visibilitychange", onVisible);
    poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [path]);
  return answer;
}
