import type { RunStop, RunStopKind } from "../store/run-stop.ts";

/** What a run that is not complete says of itself, in the viewer and in its reports. */
export interface RunCompletion {
  /**
   * in-progress: a live process holds the run's lock; stopped: its last session recorded why it
   * stopped early; unfinished: trials are pending and no stop was recorded; errors: every trial
   * ran and some ended in error.
   */
  state: "in-progress" | "stopped" | "unfinished" | "errors";
  headline: string;
  detail: string;
  /** The command that finishes the run; null while it is being written. */
  command: string | null;
}

export interface RunCompletionFacts {
  status: Record<"pending" | "complete" | "error", number>;
  stop: RunStop | null;
  /** A live candor process holds the run's lock. */
  writing: boolean;
  /** The run directory, as `candor resume` takes it. */
  directory: string;
}

const STOP_HEADLINES: Record<RunStopKind, string> = {
  budget: "Stopped by the cost limit (--max-cost)",
  user: "Stopped by the user (Ctrl-C or a stop signal)",
  "error-threshold": "Stopped by the error threshold (--fail-on-error)",
  "fatal-error": "Stopped by a fatal error",
  "write-failure": "Stopped: the run directory could not be written",
};

/** The banner a run carries, or null for a complete run (every trial ran, none in error). */
export function describeRunCompletion(facts: RunCompletionFacts): RunCompletion | null {
  const { status, stop, writing, directory } = facts;
  const counts = describeCounts(status);
  const resume = `candor resume ${directory}`;
  if (writing)
    return {
      state: "in-progress",
      headline: "In progress",
      detail: `A candor process is writing this run: ${counts}.`,
      command: null,
    };
  if (status.pending > 0 && stop)
    return {
      state: "stopped",
      headline: STOP_HEADLINES[stop.kind],
      detail: `${counts}.${stop.kind === "user" ? "" : ` Reason: ${stop.reason}.`}${stop.at ? ` Stopped at ${stop.at}.` : ""}${errorsNote(status)}`,
      command: resume,
    };
  if (status.pending > 0)
    return {
      state: "unfinished",
      headline: "Unfinished",
      detail: `${counts}. No stop was recorded: the process ended without finishing (killed, a second Ctrl-C, a lost machine), or an older candor made the run.${errorsNote(status)}`,
      command: resume,
    };
  if (status.error > 0)
    return {
      state: "errors",
      headline: "Trials in error",
      detail: `${status.error} of ${total(status)} trials ended in error; they are left out of every rate.`,
      command: `${resume} --retry-errors`,
    };
  return null;
}

/** "12 of 40 trials finished (10 complete, 2 in error), 28 pending". */
export function describeCounts(status: RunCompletionFacts["status"]): string {
  const finished = status.complete + status.error;
  return `${finished} of ${total(status)} trials finished (${status.complete} complete, ${status.error} in error), ${status.pending} pending`;
}

function total(status: RunCompletionFacts["status"]): number {
  return status.complete + status.error + status.pending;
}

function errorsNote(status: RunCompletionFacts["status"]): string {
  return status.error > 0 ? ` Trials in error are run again only with --retry-errors.` : "";
}
