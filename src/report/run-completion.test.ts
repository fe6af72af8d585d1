import { describe, expect, it } from "vitest";
import { describeRunCompletion } from "./run-completion.ts";

const DIRECTORY = "/runs/r1";
const status = (complete: number, error: number, pending: number) => ({ complete, error, pending });

describe("a run's completion banner", () => {
  it("is absent for a complete run, whatever stop an earlier session left", () => {
    expect(
      describeRunCompletion({
        status: status(4, 0, 0),
        stop: null,
        writing: false,
        directory: DIRECTORY,
      }),
    ).toBeNull();
    const stop = { kind: "budget", reason: "limit", at: "t" } as const;
    expect(
      describeRunCompletion({
        status: status(4, 0, 0),
        stop,
        writing: false,
        directory: DIRECTORY,
      }),
    ).toBeNull();
  });

  it("says in progress while a process writes the run, whatever its last stop", () => {
    const banner = describeRunCompletion({
      status: status(1, 0, 3),
      stop: { kind: "user", reason: "interrupted", at: "t" },
      writing: true,
      directory: DIRECTORY,
    });
    expect(banner).toMatchObject({ state: "in-progress", headline: "In progress", command: null });
    expect(banner?.detail).toContain("1 of 4 trials finished");
  });

  it("names each stop and how to finish", () => {
    const headlines = {
      budget: "cost limit (--max-cost)",
      user: "by the user",
      "error-threshold": "--fail-on-error",
      "fatal-error": "fatal error",
      "write-failure": "could not be written",
    } as const;
    for (const [kind, words] of Object.entries(headlines)) {
      const banner = describeRunCompletion({
        status: status(1, 1, 2),
        stop: { kind: kind as keyof typeof headlines, reason: "the reason given", at: "t" },
        writing: false,
        directory: DIRECTORY,
      });
      expect(banner?.state).toBe("stopped");
      expect(banner?.headline).toContain(words);
      expect(banner?.command).toBe(`candor resume ${DIRECTORY}`);
      expect(banner?.detail).toContain("--retry-errors");
      if (kind !== "user") expect(banner?.detail).toContain("the reason given");
    }
  });

  it("says unfinished without a recorded stop, and trials in error once all ran", () => {
    expect(
      describeRunCompletion({
        status: status(1, 0, 3),
        stop: null,
        writing: false,
        directory: DIRECTORY,
      }),
    ).toMatchObject({ state: "unfinished", command: `candor resume ${DIRECTORY}` });
    expect(
      describeRunCompletion({
        status: status(3, 1, 0),
        stop: null,
        writing: false,
        directory: DIRECTORY,
      }),
    ).toMatchObject({ state: "errors", command: `candor resume ${DIRECTORY} --retry-errors` });
  });
});
