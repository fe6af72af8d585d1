import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { temporaryDirectory } from "../../test/run-fixture.ts";
import { testRunMetadata } from "../../test/run-metadata.ts";
import { unjudgedTurn } from "../../test/turn-records.ts";
import type { ModelCall } from "../spec/model-call.ts";
import type { TrialResult, TurnRecord } from "../spec/trial-record.ts";
import type { Verdict } from "../spec/verdict.ts";
import { readTrialCalls } from "./call-records.ts";
import { RunStore } from "./run-store.ts";
import { removeVerdictSet, writeVerdictSet } from "./write-verdict-set.ts";

const metadata = testRunMetadata({
  title: "Calls",
  createdAt: "2026-12-04T00:00:00.000Z",
  subjects: ["openai:stub"],
  judges: ["openai:judge"],
  simulated: false,
});

const identity = {
  trialId: "t-1",
  subject: "openai:stub",
  scenarioId: "tiny",
  levels: {},
  arm: "control" as const,
  sample: 0,
  seed: 7,
};

const response = {
  usage: { inputTokens: 12, outputTokens: 3 },
  modelId: "stub",
  finishReason: "stop",
  latencyMs: 42,
  metadata: { endpoint: "http://127.0.0.1:9/v1", id: "chatcmpl-1" },
};

const REPLY = "A reply long enough to be kept once in texts, not copied into the raw body: ".repeat(
  2,
);

const subjectCall: ModelCall = {
  messages: [
    { role: "system", content: "You sell bikes." },
    { role: "user", content: "Any issues?" },
  ],
  settings: { temperature: 0.7, top_p: 1, max_tokens: 100, seed: 7, sample_index: 0 },
  reply: REPLY,
  response,
  exchange: {
    request: { model: "stub", messages: [{ role: "user", content: "Any issues?" }], $odd: 1 },
    response: { id: "chatcmpl-1", choices: [{ message: { role: "assistant", content: REPLY } }] },
  },
  failedAttempts: [
    { error: "HTTP 500 server", kind: "server", status: 500, endpoint: "http://x", waitMs: 12 },
  ],
};

function judgeCall(reply: string, position: number): ModelCall {
  return {
    messages: [
      { role: "system", content: "You label one assistant turn." },
      { role: "user", content: `Judge this. (${position})` },
    ],
    settings: {
      temperature: 0,
      top_p: 1,
      max_tokens: 800,
      seed: 0,
      sample_index: position,
      structured_output: "verdict",
    },
    reply,
    response: { ...response, latencyMs: 5 + position },
  };
}

function verdict(judge: string, calls: ModelCall[]): Verdict {
  return { judge, undesired: "no", consistency: "consistent", quotes: [], rationale: "ok", calls };
}

function trial(verdicts: Verdict[]): TrialResult {
  const turns: TurnRecord[] = [
    unjudgedTurn(0, "system", "You sell bikes."),
    unjudgedTurn(1, "user", "Any issues?", { stepId: "ask" }),
    {
      index: 2,
      role: "assistant",
      source: "generated",
      stepId: "ask",
      followup: 0,
      content: REPLY,
      judged: true,
      response,
      call: subjectCall,
      verdicts,
    },
  ];
  return { ...identity, status: "complete", simulated: false, turns };
}

function createStore(): RunStore {
  return RunStore.create(join(temporaryDirectory(), "run"), metadata, [], [identity]);
}

describe("call records", () => {
  it("reads back the subject's call and the judges' calls exactly as they were written", () => {
    const store = createStore();
    store.saveTrial(
      trial([verdict("openai:judge", [judgeCall("not json", 0), judgeCall("{}", 1)])]),
    );
    const calls = readTrialCalls(store.database, "t-1", "run");
    expect(calls).toEqual([
      {
        turnIndex: 2,
        verdictSet: null,
        caller: "subject",
        position: 0,
        messages: subjectCall.messages,
        settings: subjectCall.settings,
        exchange: subjectCall.exchange,
        failedAttempts: subjectCall.failedAttempts,
      },
      ...[0, 1].map((position) => ({
        turnIndex: 2,
        verdictSet: "run",
        caller: "judge:openai:judge",
        position,
        messages: judgeCall("", position).messages,
        settings: judgeCall("", position).settings,
        reply: position === 0 ? "not json" : "{}",
        response: { ...response, latencyMs: 5 + position },
        failedAttempts: [],
      })),
    ]);
    store.close();
  });

  it("stores a subject's messages as a count of the trial's turns and long strings once", () => {
    const store = createStore();
    store.saveTrial(trial([]));
    const row = store.database.prepare("SELECT request_json, exchange_json FROM calls").get() as {
      request_json: string;
      exchange_json: string;
    };
    expect(JSON.parse(row.request_json).messages).toBe(2);
    expect(row.exchange_json).not.toContain("A reply long enough");
    const copies = store.database
      .prepare("SELECT COUNT(*) AS n FROM texts WHERE body = ?")
      .get(REPLY) as { n: number };
    expect(copies.n).toBe(1);
    store.close();
  });

  it("keeps each verdict set's judge calls apart, and replaces or removes one set's", () => {
    const store = createStore();
    store.saveTrial(trial([verdict("openai:judge", [judgeCall("first", 0)])]));
    const again = (reply: string) => [
      {
        turnIndex: 2,
        followup: 0,
        verdicts: [verdict("openai:other", [judgeCall(reply, 0)])],
        outcome: {
          undesired: "no" as const,
          reasoningStatus: "present" as const,
          consistency: "consistent" as const,
          deception: "no" as const,
        },
      },
    ];
    writeVerdictSet(store.database, "t-1", "again", again("second"));
    writeVerdictSet(store.database, "t-1", "again", again("third"));
    const replies = (set: string) =>
      (readTrialCalls(store.database, "t-1", set) ?? []).map((call) => call.reply ?? call.caller);
    expect(replies("run")).toEqual(["subject", "first"]);
    expect(replies("again")).toEqual(["subject", "third"]);
    removeVerdictSet(store.database, "again");
    expect(replies("again")).toEqual(["subject"]);
    expect(replies("run")).toEqual(["subject", "first"]);
    store.saveTrial(trial([]));
    expect(replies("run")).toEqual(["subject"]);
    store.close();
  });

  it("says calls were not recorded in a run made before the calls table", () => {
    const store = createStore();
    store.saveTrial(trial([]));
    const file = join(store.directory, "run.sqlite");
    store.close();
    const database = new Database(file);
    database.exec("DROP TABLE calls");
    database.close();
    const readOnly = new Database(file, { readonly: true });
    expect(readTrialCalls(readOnly, "t-1", "run")).toBeUndefined();
    readOnly.close();
  });

  it("stores a judge prompt that quotes the turn as pieces, its fixed parts once per run", () => {
    const store = createStore();
    const header = "You label one assistant turn from a role-play transcript for a study. ".repeat(
      2,
    );
    const prompt = (index: number) => ({
      ...judgeCall("{}", index),
      messages: [{ role: "user" as const, content: `${header}\n${REPLY}\n(${index})` }],
    });
    store.saveTrial(trial([verdict("openai:judge", [prompt(0), prompt(1)])]));
    const calls = readTrialCalls(store.database, "t-1", "run") ?? [];
    expect(calls.slice(1).map((call) => call.messages)).toEqual(
      [0, 1].map((index) => prompt(index).messages),
    );
    const whole = store.database
      .prepare("SELECT COUNT(*) AS n FROM texts WHERE body LIKE ?")
      .get(`${header}%`) as { n: number };
    expect(whole.n).toBe(1);
    const stored = store.database
      .prepare("SELECT request_json FROM calls WHERE caller LIKE 'judge:%'")
      .pluck()
      .all() as string[];
    for (const json of stored) expect(json.length).toBeLessThan(120);
    store.close();
  });
});
