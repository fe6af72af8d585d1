import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { testProgressSnapshot } from "../../test/progress-snapshot.ts";
import { temporaryDirectory } from "../../test/run-fixture.ts";
import {
  endpointForDisplay,
  PROGRESS_FILE,
  readRunProgress,
  removeRunProgress,
  writeRunProgress,
} from "./run-progress.ts";

const SNAPSHOT = testProgressSnapshot({
  session: { total: 10, done: 3, errors: 1 },
  costUsd: 0.25,
  endpoints: [
    {
      spec: "openai:m",
      endpoint: "http://127.0.0.1:9/v1",
      requestsSent: 5,
      successes: 3,
      rateLimited: 2,
      retries: 2,
      failures: 2,
      inFlight: 0,
    },
  ],
});

describe("a running session's snapshot", () => {
  it("is written whole, read back, and removed", () => {
    const directory = temporaryDirectory();
    expect(readRunProgress(directory)).toBeNull();
    writeRunProgress(directory, SNAPSHOT);
    expect(readRunProgress(directory)).toEqual(SNAPSHOT);
    removeRunProgress(directory);
    expect(existsSync(join(directory, PROGRESS_FILE))).toBe(false);
    expect(readRunProgress(directory)).toBeNull();
  });

  it("shows an endpoint without its user, password, query or fragment", () => {
    expect(endpointForDisplay("https://user:secret@api.example.com/v1?key=sk-1#x")).toBe(
      "https://api.example.com/v1",
    );
    expect(endpointForDisplay("http://127.0.0.1:8080/v1/")).toBe("http://127.0.0.1:8080/v1");
    expect(endpointForDisplay("local-model")).toBe("local-model");
    expect(endpointForDisplay("user:secret@host")).not.toContain("secret");
  });
});
