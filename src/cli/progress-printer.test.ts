import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { TrialResult } from "../spec/trial-record.ts";
import { createProgressReporter } from "./progress-printer.ts";

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
