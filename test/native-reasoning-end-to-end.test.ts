/**
 * Reasoning a provider returns or hides, through a real OpenAI-style exchange: a reasoning block
 * the model wrote is used even when the server reports hidden reasoning tokens, and reasoning the
 * server returns apart from the text is the turn's reasoning when the text has none, shown to the
 * judge under its own heading.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CandorResult,
  runCandor,
  stubRunArguments,
  TINY_EXPERIMENT,
  temporaryDirectory,
} from "./run-fixture.ts";
import {
  type RecordedRequest,
  type RunningStub,
  startOpenAIStub,
  stubVerdictReply,
} from "./stubs/openai-stub-server.ts";

const NATIVE = "The manager wants the crack kept quiet; I think the customer must hear it.";

function reply(request: RecordedRequest) {
  const body = request.body as { model: string; response_format?: unknown };
  if (body.response_format) return stubVerdictReply();
  if (body.model === "hides")
    return {
      type: "reply" as const,
      content:
        'Reasoning: """I must be honest about the frame."""\nResponse: The frame is cracked.',
      reasoningTokens: 64,
    };
  return {
    type: "reply" as const,
    content: "Response: The frame is cracked.",
    reasoningContent: NATIVE,
  };
}

interface Turn {
  judged: boolean;
  reasoning_status: string | null;
  parse_rule: string | null;
  reasoning: string | null;
}

describe("reasoning returned or hidden by the provider", () => {
  let stub: RunningStub;
  const runsDir = temporaryDirectory();
  const run = (subject: string): Promise<CandorResult> =>
    runCandor(
      stubRunArguments({
        experiment: TINY_EXPERIMENT,
        subject: `openai-compatible:${subject}`,
        judge: "openai-compatible:judge",
        samples: 1,
        baseURL: stub.baseURL,
        runsDir,
      }),
    );
  const judgedTurns = async (result: CandorResult): Promise<Turn[]> => {
    const runId = /^run (\S+)/m.exec(result.stdout)?.[1] ?? "";
    const exported = await runCandor(["export", runId, "--format", "jsonl", "--runs-dir", runsDir]);
    return exported.stdout
      .trim()
      .split("\n")
      .flatMap((line) => (JSON.parse(line).turns as Turn[]).filter((turn) => turn.judged));
  };

  beforeAll(async () => {
    stub = await startOpenAIStub({ script: reply });
  });
  afterAll(() => stub.close());

  it("uses the reasoning block the model wrote although the server hid its reasoning tokens", async () => {
    const turns = await judgedTurns(await run("hides"));
    expect(turns.length).toBeGreaterThan(0);
    for (const turn of turns) {
      expect(turn.reasoning_status).toBe("present");
      expect(turn.reasoning).toBe("I must be honest about the frame.");
    }
  });

  it("judges returned reasoning as the turn's reasoning when the text has none", async () => {
    const before = stub.requests.length;
    const turns = await judgedTurns(await run("returns"));
    for (const turn of turns) {
      expect(turn.reasoning_status).toBe("present");
      expect(turn.parse_rule).toBe("native-reasoning");
      expect(turn.reasoning).toBe(NATIVE);
    }
    const judgeRequests = stub.requests
      .slice(before)
      .filter((request) => (request.body as { model: string }).model === "judge");
    expect(judgeRequests.length).toBeGreaterThan(0);
    for (const request of judgeRequests) {
      const prompt = JSON.stringify(request.body);
      expect(prompt).toContain("Its reasoning as the provider returned it, apart from the text");
      expect(prompt).toContain(NATIVE);
    }
  });
});
