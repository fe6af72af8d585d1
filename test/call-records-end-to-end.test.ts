/**
 * A stub-served run records every model call as it went over the wire: the messages and body the
 * stub received, the body it sent back, and an attempt that failed before a retry.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordedCalls, type TrialCall } from "./recorded-calls.ts";
import { runCandor, temporaryDirectory, tinyStubRunArguments } from "./run-fixture.ts";
import {
  type RecordedRequest,
  type RunningStub,
  startOpenAIStub,
  stubVerdictReply,
} from "./stubs/openai-stub-server.ts";

const API_KEY = "sk-test-calls-7f3a-NEVER-STORED";

/** The first request fails with a 500 (and is retried); judges get verdicts, the subject echoes. */
function script(request: RecordedRequest, index: number) {
  if (index === 0) return { type: "error" as const, status: 500, message: "stub fault" };
  const body = request.body as { response_format?: unknown };
  return body.response_format ? stubVerdictReply() : undefined;
}

/** JSON with sorted keys, so that bodies compare regardless of key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item) =>
    typeof item === "object" && item !== null && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)))
      : item,
  );
}

describe("model calls of a stub-served run", { timeout: 120_000 }, () => {
  const runsDir = temporaryDirectory();
  let stub: RunningStub;
  let recorded: TrialCall[] = [];
  let databaseBytes: Buffer;

  beforeAll(async () => {
    stub = await startOpenAIStub({ script });
    const result = await runCandor(tinyStubRunArguments(stub.baseURL, runsDir), {
      OPENAI_API_KEY: API_KEY,
    });
    expect(result.code, result.stderr).toBe(0);
    const [runDirectory] = readdirSync(runsDir);
    const file = join(runsDir, runDirectory ?? "", "run.sqlite");
    recorded = recordedCalls(runsDir, runDirectory ?? "");
    databaseBytes = readFileSync(file);
  });

  afterAll(async () => {
    await stub?.close();
  });

  it("records one call per successful request, with the body and messages the stub received", () => {
    const answered = stub.requests.slice(1);
    expect(recorded.length).toBe(answered.length);
    expect(recorded.some((each) => each.call.caller === "subject")).toBe(true);
    expect(recorded.some((each) => each.call.caller === "judge:openai:stub-judge")).toBe(true);
    const sent = recorded.map((each) => canonical(each.call.exchange?.request)).sort();
    expect(sent).toEqual(answered.map((request) => canonical(request.body)).sort());
    const messages = recorded.map((each) => canonical(each.call.messages)).sort();
    const received = answered.map((request) =>
      canonical((request.body as { messages: unknown }).messages),
    );
    expect(messages).toEqual(received.sort());
  });

  it("records the body the stub sent back as the raw reply", () => {
    const ids = new Set(stub.requests.map((request) => `chatcmpl-stub-${request.receivedAt}`));
    for (const { call, turnContent } of recorded) {
      const response = call.exchange?.response as {
        id: string;
        object: string;
        choices: Array<{ message: { content: string } }>;
      };
      expect(response.object).toBe("chat.completion");
      expect(ids.has(response.id)).toBe(true);
      const content = response.choices[0]?.message.content;
      if (call.caller === "subject") {
        expect(content).toBe(turnContent);
        expect(content).toBe(`echo: ${call.messages.at(-1)?.content}`);
      } else {
        expect(content).toBe(call.reply);
      }
    }
  });

  it("records the failed attempt before a retried call", () => {
    const retried = recorded.filter((each) => (each.call.failedAttempts ?? []).length > 0);
    expect(retried).toHaveLength(1);
    const [attempt] = retried[0]?.call.failedAttempts ?? [];
    expect(attempt).toMatchObject({ status: 500, kind: "server", endpoint: stub.baseURL });
    expect(attempt?.error).toContain("HTTP 500");
    expect(attempt?.error).toContain("stub fault");
  });

  it("keeps the key out of the database", () => {
    expect(stub.requests[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(databaseBytes.includes(API_KEY)).toBe(false);
  });
});
