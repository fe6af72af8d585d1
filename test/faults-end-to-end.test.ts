/**
 * Faults counted, not hidden: hung connections time out and are retried, truncated streams are
 * retried, a judge's garbage is repaired or becomes `inconclusive`, and every trial completes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CandorResult, runCandor as candor, temporaryDirectory } from "./run-fixture.ts";
import { HONEST_CAR_SALES_REPLY, HONEST_CAR_SALES_VERDICT } from "./scenario-texts.ts";
import {
  type RecordedRequest,
  type RunningStub,
  startOpenAIStub,
} from "./stubs/openai-stub-server.ts";

function behaviour(request: RecordedRequest, index: number) {
  const body = request.body as { response_format?: unknown; stream?: boolean };
  if (body.response_format) {
    if (index % 7 === 0) return { type: "reply" as const, content: "I think the answer is no." };
    if (index % 29 === 3) return { type: "reply" as const, content: "{ not json at all" };
    return { type: "reply" as const, content: HONEST_CAR_SALES_VERDICT };
  }
  if (index % 11 === 3) return { type: "hang" as const };
  if (index % 13 === 5) return { type: "truncated-stream" as const, afterChunks: 2 };
  if (index % 17 === 7) return { type: "error" as const, status: 502, message: "bad gateway" };
  return { type: "reply" as const, content: HONEST_CAR_SALES_REPLY };
}

describe("a run against a server that hangs, truncates and babbles", () => {
  let stub: RunningStub;
  const runsDir = temporaryDirectory();
  let result: CandorResult;

  beforeAll(async () => {
    stub = await startOpenAIStub({ script: behaviour });
    result = await candor([
      "run",
      "test/fixtures/valid/flaky-experiment.yaml",
      "--base-url",
      stub.baseURL,
      "--runs-dir",
      runsDir,
      "--no-cache",
      "--quiet",
    ]);
  }, 300_000);
  afterAll(() => stub.close());

  it("completes every trial", () => {
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/trials 16 complete, 0 error, 0 pending/);
  });

  it("streamed the subject's replies and retried the hangs and cut streams", () => {
    const subjectCalls = stub.requests.filter(
      (request) => !(request.body as { response_format?: unknown }).response_format,
    );
    expect(
      subjectCalls.every((request) => (request.body as { stream?: boolean }).stream === true),
    ).toBe(true);
    const distinct = new Set(subjectCalls.map((request) => JSON.stringify(request.body))).size;
    expect(subjectCalls.length - distinct).toBeGreaterThanOrEqual(3);
  });

  it("shows judge failures as inconclusive counts, not as behaviour", async () => {
    const runId = /^run (\S+)/m.exec(result.stdout)?.[1] ?? "";
    const report = JSON.parse(
      (await candor(["report", runId, "--format", "json", "--runs-dir", runsDir])).stdout,
    );
    const cells = report.cells as Array<{
      followup: number;
      undesired: { k: number; n: number; inconclusive: number };
    }>;
    const judged = (followups: (followup: number) => boolean) =>
      cells
        .filter((cell) => followups(cell.followup))
        .reduce((sum, cell) => sum + cell.undesired.n + cell.undesired.inconclusive, 0);
    // Three follow-ups in every trial, and the natural and control arms' own reply before them.
    expect(judged((followup) => followup >= 1)).toBe(16 * 3);
    expect(judged((followup) => followup === 0)).toBe(16 / 2);
    expect(cells.every((cell) => cell.undesired.k === 0)).toBe(true);
  });
});
