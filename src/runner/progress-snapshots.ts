import type { EndpointFigures } from "../providers/call-monitor.ts";
import {
  endpointForDisplay,
  type RunProgressSnapshot,
  removeRunProgress,
  writeRunProgress,
} from "../store/run-progress.ts";

/** How often a running session may write its snapshot for the viewer. */
export const PROGRESS_SNAPSHOT_MS = 1000;

export type SnapshotFigures = Omit<RunProgressSnapshot, "updatedAt" | "startedAt" | "endpoints"> & {
  endpoints: readonly EndpointFigures[];
};

/**
 * Writes the session's figures into the run directory for `candor view`, at most once a
 * `everyMs` and only when they changed, never per call; removed when the session ends. A
 * snapshot that cannot be written is skipped: the viewer's figures never stop a run.
 */
export function startProgressSnapshots(
  directory: string,
  figures: () => SnapshotFigures,
  everyMs = PROGRESS_SNAPSHOT_MS,
): { stop(): void } {
  const startedAt = new Date().toISOString();
  let written = "";
  const write = () => {
    try {
      const { endpoints, ...rest } = figures();
      const snapshot = { startedAt, ...rest, endpoints: endpoints.map(endpointProgress) };
      const text = JSON.stringify(snapshot);
      if (text === written) return;
      writeRunProgress(directory, { updatedAt: new Date().toISOString(), ...snapshot });
      written = text;
    } catch {
      // A full disk or a lost mount: the next tick tries again.
    }
  };
  write();
  const timer = setInterval(write, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      try {
        removeRunProgress(directory);
      } catch {
        // Left behind, it is ignored: the viewer reads it only while the run is locked.
      }
    },
  };
}

function endpointProgress(figures: EndpointFigures): RunProgressSnapshot["endpoints"][number] {
  return {
    spec: figures.spec,
    endpoint: endpointForDisplay(figures.endpoint),
    requestsSent: figures.requestsSent,
    successes: figures.successes,
    rateLimited: figures.rateLimited,
    retries: figures.retries,
    failures: Object.values(figures.failures).reduce((sum, count) => sum + (count ?? 0), 0),
    inFlight: figures.inFlight,
  };
}
