import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { TrialResult } from "../spec/trial-record.ts";
import { createProgressReporter, type ProgressPlan } from "./progress-printer.ts";
import { formatDuration, SubjectTally } from "./subject-tally.ts";

function terminal() {
  const written = { text: "" };
  const stream = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        written.text += chunk;
        done();
      },
    }),
    { isTTY: true, columns: 160 },
  );
  return { stream, written };
}

describe("progress bars", () => {
  it("print a note on a cleared line above the bars, not over them, even just before stopping", () => {
    const { stream, written } = terminal();
    const reporter = createProgressReporter("bars", stream);
    const result = { subject: "sim:default", status: "complete" } as TrialResult;
    const progress = { done: 1, total: 4, costUsd: 0, tokens: 0, concurrency: 1 };
    reporter.trialDone(result, progress);
    reporter.note("candor: stopping after the trials in flight");
    reporter.stop();
    const at = written.text.indexOf("candor: stopping after the trials in flight\n");
    expect(at).toBeGreaterThan(0);
    // The bar's line is cleared first, and a bar is drawn again below the note.
    const csi = `${String.fromCharCode(27)}[`;
    expect([`${csi}2K`, `${csi}0K`, `${csi}1G`]).toContain(written.text.slice(at - 4, at));
    expect(written.text.slice(at)).toMatch(/\| 1\/4 trials \|/);
  });
});

/** A finished trial of `subject` whose one generated turn used these tokens. */
function trial(subject: string, tokens = { inputTokens: 0, outputTokens: 0 }, status = "complete") {
  return {
    subject,
    status,
    trialId: `${subject}-t`,
    turns: [{ source: "generated", verdicts: [], response: { usage: tokens, metadata: {} } }],
  } as unknown as TrialResult;
}

const runWide = { done: 0, total: 0, costUsd: 0, tokens: 0, concurrency: 0 };

function jsonReporter(plan: ProgressPlan) {
  const { stream, written } = terminal();
  const reporter = createProgressReporter("json", stream);
  reporter.start(plan);
  const events = () =>
    written.text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
  return { reporter, events };
}

describe("progress that tells the truth", () => {
  const prices = new Map([
    ["openai:a", { inputPerMillion: 1_000_000, outputPerMillion: 0 }],
    ["openai:b", undefined],
  ]);

  it("counts each subject's own trials, from what a resumed run had done", () => {
    const { reporter, events } = jsonReporter({
      subjects: [
        { subject: "openai:a", total: 400, done: 136, errors: 2 },
        { subject: "openai:b", total: 400, done: 0, errors: 0 },
      ],
      prices,
    });
    reporter.trialDone(trial("openai:a", { inputTokens: 3, outputTokens: 0 }), runWide);
    reporter.trialDone(trial("openai:b", { inputTokens: 5, outputTokens: 1 }, "error"), runWide);
    const [a, b] = events();
    expect(a).toMatchObject({ subject_done: 137, subject_total: 400, subject_errors: 2 });
    expect(a).toMatchObject({ subject_tokens: 3, subject_cost_usd: 3 });
    expect(b).toMatchObject({ subject_done: 1, subject_total: 400, subject_errors: 1 });
    // Tokens and cost are the subject's own; an unpriced model's cost is unknown, never zero.
    expect(b).toMatchObject({ subject_tokens: 6, subject_cost_unknown_for: ["openai:b"] });
  });

  it("draws one bar per subject against its own total, cost unknown where no price is known", () => {
    const { stream, written } = terminal();
    const reporter = createProgressReporter("bars", stream);
    reporter.start({
      subjects: [
        { subject: "openai:a", total: 2, done: 1, errors: 0 },
        { subject: "openai:b", total: 2, done: 0, errors: 0 },
      ],
      prices,
      calls: () => [
        {
          spec: "openai:a",
          endpoint: "http://127.0.0.1:9/v1",
          requestsPerSecond: 2,
          tokensPerSecond: 40,
          rateLimited: 7,
          retries: 9,
        },
      ],
    });
    reporter.trialDone(trial("openai:a"), runWide);
    reporter.trialDone(trial("openai:b", { inputTokens: 4, outputTokens: 0 }), runWide);
    reporter.stop();
    expect(written.text).toMatch(/openai:a \|[^|]*\| 2\/2 trials/);
    expect(written.text).toMatch(
      /openai:b \|[^|]*\| 1\/2 trials .*\| 4 tokens \| unknown \(prices unknown for: openai:b\)/,
    );
    expect(written.text).not.toMatch(/openai:b[^\n]*\$0\.0000/);
    expect(written.text).toContain(
      "calls: openai:a at http://127.0.0.1:9/v1: 2.0 req/s, 40 tokens/s, 429s 7, retries 9",
    );
  });

  it("shows each endpoint's requests, 429s and retries", () => {
    const { stream, written } = terminal();
    const reporter = createProgressReporter("lines", stream);
    reporter.start({
      subjects: [{ subject: "openai:a", total: 1, done: 0, errors: 0 }],
      prices,
      calls: () => [
        {
          spec: "openai:a",
          endpoint: "http://127.0.0.1:9/v1",
          requestsPerSecond: 3.96,
          tokensPerSecond: 812.4,
          rateLimited: 323,
          retries: 329,
        },
      ],
    });
    reporter.trialDone(trial("openai:a"), { ...runWide, done: 1, total: 1 });
    expect(written.text).toContain("progress openai:a 1/1 trials, 0 errors");
    expect(written.text).toMatch(/4\.0 req\/s, 812 tokens\/s, 429s 323, retries 329/);
  });
});

describe("a subject's ETA", () => {
  it("follows the recent pace, not the average since the start", () => {
    let now = 0;
    const tally = new SubjectTally("s", 1000, { done: 0, errors: 0 }, () => now);
    const usage = { tokens: 0, costUsd: 0, unpriced: [] };
    // 300 fast trials (10 per second), then a rate limit: 1 trial every 2 seconds for 2 minutes.
    for (let index = 0; index < 300; index++) {
      now += 100;
      tally.add("complete", usage);
    }
    for (let index = 0; index < 60; index++) {
      now += 2000;
      tally.add("complete", usage);
    }
    // 640 left at 0.5 per second is 1280 s; the average since the start would say about 270 s.
    expect(tally.etaSeconds).toBe(1280);
    expect(formatDuration(tally.etaSeconds)).toBe("21 min");
  });
});
