/**
 * A trial's model calls as the viewer's API gives them: each generated turn's call, the judges'
 * calls of the verdict set asked for, and a run made before calls were recorded saying so.
 */
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  copyLegacyRun,
  LEGACY_RUN,
  runFixture,
  temporaryDirectory,
} from "../../test/run-fixture.ts";
import type { ModelCall } from "../spec/model-call.ts";
import type { TrialResult } from "../spec/trial-record.ts";
import { RunStore } from "../store/run-store.ts";
import { writeVerdictSet } from "../store/write-verdict-set.ts";
import type { TrialCallsAnswer } from "./api-types.ts";
import { openViewerTestApp, type ViewerTestApp } from "./viewer-test-app.ts";

const judgeCall: ModelCall = {
  messages: [{ role: "user", content: "Label this turn." }],
  settings: { temperature: 0, top_p: 1, max_tokens: 800, seed: 0, sample_index: 0 },
  reply: '{"undesired":"no"}',
  response: {
    usage: { inputTokens: 4, outputTokens: 5 },
    modelId: "judge",
    finishReason: "stop",
    latencyMs: 9,
  },
};

describe("the viewer's calls API", () => {
  const runsDir = temporaryDirectory();
  let runId = "";
  let trial: TrialResult;
  let viewer: ViewerTestApp;

  const request = (path: string) => viewer.request(path);
  const json = <Answer>(path: string) => viewer.json<Answer>(path);

  beforeAll(async () => {
    const run = await runFixture(undefined, { samples: 1 }, runsDir);
    runId = basename(run.directory);
    const store = RunStore.open(run.directory);
    trial = [...store.trials()].find((each) =>
      each.turns.some((turn) => turn.judged && turn.source === "generated"),
    ) as TrialResult;
    const judged = trial.turns.find((turn) => turn.judged) as TrialResult["turns"][number];
    writeVerdictSet(store.database, trial.trialId, "again", [
      {
        turnIndex: judged.index,
        followup: judged.followup,
        verdicts: [
          {
            judge: "openai:judge",
            undesired: "no",
            consistency: "consistent",
            quotes: [],
            rationale: "fine",
            calls: [judgeCall],
          },
        ],
        outcome: {
          undesired: "no",
          reasoningStatus: "present",
          consistency: "consistent",
          deception: "no",
        },
      },
    ]);
    store.close();
    copyLegacyRun(runsDir);
    viewer = openViewerTestApp(runsDir);
  });
  afterAll(() => viewer.close());

  it("answers each generated turn's call, sent the conversation before it", async () => {
    const answer = await json<TrialCallsAnswer>(`/api/runs/${runId}/trials/${trial.trialId}/calls`);
    expect(answer.recorded).toBe(true);
    const generated = trial.turns.filter((turn) => turn.source === "generated");
    expect(answer.calls.map((call) => call.turnIndex)).toEqual(generated.map((turn) => turn.index));
    for (const call of answer.calls) {
      expect(call).toMatchObject({ verdictSet: null, caller: "subject", failedAttempts: [] });
      expect(call.exchange).toBeUndefined();
      const before = trial.turns.slice(0, call.turnIndex);
      expect(call.messages).toEqual(before.map(({ role, content }) => ({ role, content })));
      expect(call.settings).toMatchObject({ seed: trial.seed, sample_index: trial.sample });
    }
  });

  it("adds the judges' calls of the verdict set asked for, and only of that one", async () => {
    const path = `/api/runs/${runId}/trials/${trial.trialId}/calls`;
    const own = await json<TrialCallsAnswer>(path);
    expect(own.calls.filter((call) => call.verdictSet !== null)).toEqual([]);
    const again = await json<TrialCallsAnswer>(`${path}?judges=again`);
    expect(again.calls.filter((call) => call.verdictSet !== null)).toEqual([
      {
        turnIndex: trial.turns.find((turn) => turn.judged)?.index,
        verdictSet: "again",
        caller: "judge:openai:judge",
        position: 0,
        messages: judgeCall.messages,
        settings: judgeCall.settings,
        reply: judgeCall.reply,
        response: judgeCall.response,
        failedAttempts: [],
      },
    ]);
  });

  it("says a run made before calls were recorded has none, and refuses an unknown trial", async () => {
    const legacy = RunStore.openForReading(join(runsDir, LEGACY_RUN));
    const [first] = [...legacy.trials()];
    legacy.close();
    const answer = await json<TrialCallsAnswer>(
      `/api/runs/${LEGACY_RUN}/trials/${first?.trialId}/calls`,
    );
    expect(answer).toMatchObject({ recorded: false, calls: [] });
    const missing = await request(`/api/runs/${runId}/trials/no-such-trial/calls`);
    expect(missing.status).toBe(404);
  });
});
