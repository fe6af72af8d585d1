import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EndpointCounts } from "../spec/endpoint-counts.ts";

/**
 * Where a running session keeps its live figures. A file beside the database, not a row in it:
 * the database's version moves only when trials, verdicts or labels are written, so a snapshot
 * every second does not make the viewer recompute a run's analysis every second.
 */
export const PROGRESS_FILE = "progress.json";

/** One endpoint's calls this session: counts only, never a key or a URL's credentials. */
export interface EndpointProgress extends EndpointCounts {
  /** The base URL without user, password, query or fragment. */
  endpoint: string;
  /** Failed attempts of every kind, 429s included. */
  failures: number;
}

/** A running session's figures, written at most about once a second. */
export interface RunProgressSnapshot {
  /** When this snapshot was written (ISO 8601). */
  updatedAt: string;
  /** When the session started. */
  startedAt: string;
  /** This session's trials: those it was given, and those it has finished so far. */
  session: { total: number; done: number; errors: number };
  /** Dollars this session has spent so far over the models with a known price. */
  costUsd: number;
  /** Models that made billed calls without a known price: costUsd undercounts them. */
  unpricedModels: string[];
  endpoints: EndpointProgress[];
}

/** Writes the snapshot whole (a reader never sees half a file). */
export function writeRunProgress(directory: string, snapshot: RunProgressSnapshot): void {
  const path = join(directory, PROGRESS_FILE);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(snapshot));
  renameSync(temporary, path);
}

/** The last snapshot written, or null when there is none or it cannot be read. */
export function readRunProgress(directory: string): RunProgressSnapshot | null {
  try {
    return JSON.parse(readFileSync(join(directory, PROGRESS_FILE), "utf8")) as RunProgressSnapshot;
  } catch {
    return null;
  }
}

export function removeRunProgress(directory: string): void {
  rmSync(join(directory, PROGRESS_FILE), { force: true });
}

/** A base URL as the viewer may show it: no user, password, query or fragment. */
export function endpointForDisplay(url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL: a local model's name or file.
  }
  if (parsed && /^(https?|wss?):$/.test(parsed.protocol)) {
    parsed.username = "";
    parsed.password = "";
    parsed.search = "";
    parsed.hash = "";
    return parsed.toString().replace(/\/$/, "");
  }
  // Anything else is shown unless it could hold a user and password.
  return url.includes("@") ? "(an address not shown)" : url;
}
