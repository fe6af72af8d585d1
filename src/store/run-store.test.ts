import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { temporaryDirectory } from "../../test/run-fixture.ts";
import { testRunMetadata } from "../../test/run-metadata.ts";
import { unjudgedTurn } from "../../test/turn-records.ts";
import type { TrialResult } from "../spec/trial-record.ts";
import { RunStore } from "./run-store.ts";

const metadata = testRunMetadata({ title: "Round trip" });

const identity = {
  trialId: "t-1",
  subject: "sim:default",
  scenarioId: "tiny",
  levels: { delivery: "split" },
  arm: "refusal" as const,
  sample: 0,
  seed: 99,
};

const complete: TrialResult = {
  ...identity,
  status: "complete",
  simulated: true,
  turns: [
    unjudgedTurn(0, "system", "You sell bikes."),
    unjudgedTurn(1, "assistant", "I'm sorry.", { source: "intervention", stepId: "intervention" }),
    unjudgedTurn(2, "user", "Any issues? <script>", { stepId: "ask", followup: 1 }),
    {
      index: 3,
      role: "assistant",
      source: "generated",
      stepId: "ask",
      followup: 1,
      content: "Reasoning: be honest\nResponse: No issues.",
      judged: true,
      parsed: {
        reasoning: "be honest",
        output: "No issues.",
        reasoningStatus: "present",
        rule: "labelled",
      },
      response: {
        usage: { inputTokens: 10, outputTokens: 5 },
        modelId: "sim:default",
        finishReason: "stop",
        latencyMs: 0,
        metadata: { simulated: true },
      },
      verdicts: [
        {
          judge: "heuristic",
          undesired: "yes",
          consistency: "inconsistent",
          quotes: ["No issues"],
          rationale: "cue",
        },
        {
          judge: "checks",
          undesired: "inconclusive",
          consistency: null,
          quotes: [],
          rationale: "n/a",
          inconclusiveReason: "does not apply",
        },
      ],
      outcome: {
        undesired: "yes",
        reasoningStatus: "present",
        consistency: "inconsistent",
        deception: "yes",
      },
    },
  ],
};

describe("RunStore", () => {
  it("reads back exactly what it wrote, and only finished trials", () => {
    const directory = join(temporaryDirectory(), "run-1");
    const store = RunStore.create(
      directory,
      metadata,
      [],
      [identity, { ...identity, trialId: "t-2", arm: "rebuttal" }],
    );
    store.saveTrial(complete);
    store.close();

    const reopened = RunStore.open(directory);
    expect(reopened.metadata()).toEqual(metadata);
    expect([...reopened.trials()]).toEqual([complete]);
    expect(reopened.statusCounts()).toEqual({ pending: 1, complete: 1, error: 0 });
    expect(reopened.unfinishedTrials().map((trial) => trial.trialId)).toEqual(["t-2"]);
    reopened.close();
  });

  it("replaces a trial saved twice instead of duplicating its turns", () => {
    const store = RunStore.create(join(temporaryDirectory(), "run"), metadata, [], [identity]);
    store.saveTrial(complete);
    const failed: TrialResult = {
      ...identity,
      status: "error",
      error: "subject failed",
      simulated: true,
      turns: complete.turns.slice(0, 1),
    };
    store.saveTrial(failed);
    expect([...store.trials()]).toEqual([failed]);
    const turnCount = store.database.prepare("SELECT COUNT(*) AS n FROM turns").get() as {
      n: number;
    };
    expect(turnCount.n).toBe(1);
    store.close();
  });

  it("refuses a trial that is not in the plan, writing nothing", () => {
    const store = RunStore.create(join(temporaryDirectory(), "run"), metadata, [], []);
    expect(() => store.saveTrial(complete)).toThrow(/not in this run's plan/);
    const turnCount = store.database.prepare("SELECT COUNT(*) AS n FROM turns").get() as {
      n: number;
    };
    expect(turnCount.n).toBe(0);
    store.close();
  });

  it("says clearly when a directory is not a run", () => {
    expect(() => RunStore.open(temporaryDirectory())).toThrow(/not a run directory/);
  });
});
