import type { RunProgressSnapshot } from "../src/store/run-progress.ts";

/** A running session's progress snapshot for tests: two of eight trials done, no endpoint yet. */
export function testProgressSnapshot(
  overrides: Partial<RunProgressSnapshot> = {},
): RunProgressSnapshot {
  return {
    updatedAt: "2026-01-01T00:00:01.000Z",
    startedAt: "2026-01-01T00:00:00.000Z",
    session: { total: 8, done: 2, errors: 0 },
    costUsd: 0,
    unpricedModels: [],
    endpoints: [],
    ...overrides,
  };
}
