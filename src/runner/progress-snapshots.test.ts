import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { temporaryDirectory } from "../../test/run-fixture.ts";
import { CallMonitor } from "../providers/call-monitor.ts";
import { PROGRESS_FILE, readRunProgress } from "../store/run-progress.ts";
import { startProgressSnapshots } from "./progress-snapshots.ts";

describe("progress snapshots", () => {
  it("write the session's counts per endpoint, without credentials, and go when it ends", () => {
    const directory = temporaryDirectory();
    const monitor = new CallMonitor();
    const endpoint = "https://user:sk-secret@api.example.com/v1?api_key=sk-query";
    monitor.recordSent("openai:m", endpoint);
    monitor.recordFailure("openai:m", endpoint, "rate_limit");
    monitor.recordRetry("openai:m", endpoint);
    monitor.recordSent("openai:m", endpoint);
    monitor.recordSuccess("openai:m", endpoint, { inputTokens: 5, outputTokens: 7 });
    // An hour between ticks: only the snapshot written at the start is read here.
    const snapshots = startProgressSnapshots(
      directory,
      () => ({
        session: { total: 4, done: 1, errors: 0 },
        costUsd: 0.5,
        unpricedModels: [],
        endpoints: monitor.snapshot(),
      }),
      3_600_000,
    );
    const snapshot = readRunProgress(directory);
    expect(snapshot?.session).toEqual({ total: 4, done: 1, errors: 0 });
    expect(snapshot?.endpoints).toEqual([
      {
        spec: "openai:m",
        endpoint: "https://api.example.com/v1",
        requestsSent: 2,
        successes: 1,
        rateLimited: 1,
        retries: 1,
        failures: 1,
        inFlight: 0,
      },
    ]);
    expect(JSON.stringify(snapshot)).not.toContain("sk-");
    snapshots.stop();
    expect(existsSync(join(directory, PROGRESS_FILE))).toBe(false);
  });
});
