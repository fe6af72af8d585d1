import { join } from "node:path";
import { expect, it } from "vitest";
import { REPOSITORY_ROOT, runFixture } from "../../test/run-fixture.ts";
import { RunStore } from "../store/run-store.ts";
import { usageSummary } from "./usage-summary.ts";

it("counts the pressurer's calls apart from the subject's, and an unpriced model as unknown", async () => {
  const run = await runFixture(join(REPOSITORY_ROOT, "experiments/persistence.yaml"), {
    samples: 1,
  });
  const store = RunStore.openForReading(run.directory);
  try {
    const pressured = store.database
      .prepare("SELECT COUNT(*) AS n FROM turns WHERE source = 'pressurer'")
      .get() as { n: number };
    const usage = usageSummary(store.database, {}, "openai-compatible:pressurer");
    const pressurer = usage.find((row) => row.role === "pressurer");
    expect(pressured.n).toBeGreaterThan(0);
    expect(pressurer).toMatchObject({ model: "openai-compatible:pressurer", calls: pressured.n });
    expect(pressurer?.costUsd).toBeNull();
    expect(usage.find((row) => row.role === "subject")?.costUsd).toBe(0);
  } finally {
    store.close();
  }
});

it("prices each call as it was served: batched tokens at the batch price, the rest at the standard one", async () => {
  const run = await runFixture(undefined, { samples: 2 });
  const store = RunStore.open(run.directory);
  try {
    const database = store.database;
    // Every other trial's turns as if a batch API served them (a run resumed with --batch).
    database.exec(`UPDATE turns SET response_json = json_set(response_json, '$.metadata.batch', json('true'))
      WHERE response_json IS NOT NULL AND trial_id IN (SELECT trial_id FROM trials WHERE ordinal % 2 = 0)`);
    const judge = database.prepare("SELECT judge FROM verdicts LIMIT 1").pluck().get() as string;
    database
      .prepare("UPDATE verdicts SET usage_json = ? WHERE judge = ?")
      .run(JSON.stringify(judgeUsage({ batchedInputTokens: 600, batchedOutputTokens: 0 })), judge);
    const turns = database
      .prepare(
        `SELECT json_extract(response_json, '$.usage.inputTokens') AS input,
           json_extract(response_json, '$.usage.outputTokens') AS output,
           COALESCE(json_extract(response_json, '$.metadata.batch'), 0) AS batched
         FROM turns WHERE source = 'generated' AND response_json IS NOT NULL`,
      )
      .all() as Array<{ input: number; output: number; batched: number }>;
    const verdicts = database
      .prepare("SELECT COUNT(*) FROM verdicts WHERE judge = ?")
      .pluck()
      .get(judge) as number;
    const price = { price: { input_per_million: 10, output_per_million: 20 } };
    const subject = database.prepare("SELECT subject FROM trials LIMIT 1").pluck().get() as string;
    const usage = usageSummary(database, { [subject]: price, [judge]: price });
    const dollars = (input: number, output: number, factor: number) =>
      ((input * 10 + output * 20) * factor) / 1e6;
    const subjectCost = turns.reduce(
      (sum, turn) => sum + dollars(turn.input, turn.output, turn.batched ? 0.5 : 1),
      0,
    );
    expect(turns.some((turn) => turn.batched) && turns.some((turn) => !turn.batched)).toBe(true);
    expect(subjectCost).toBeGreaterThan(0);
    expect(usage.find((row) => row.role === "subject")?.costUsd).toBeCloseTo(subjectCost, 12);
    // Each verdict: 1,000 input tokens (600 batched) and 200 output tokens, none batched.
    const judgeCost = verdicts * (dollars(400, 200, 1) + dollars(600, 0, 0.5));
    expect(usage.find((row) => row.model === judge)?.costUsd).toBeCloseTo(judgeCost, 12);

    // A run made before batched tokens were counted is priced as it was reported: by the
    // experiment's batch setting.
    database
      .prepare("UPDATE verdicts SET usage_json = ? WHERE judge = ?")
      .run(JSON.stringify(judgeUsage({})), judge);
    const batchedByExperiment = usageSummary(database, { [judge]: { ...price, batch: true } });
    expect(batchedByExperiment.find((row) => row.model === judge)?.costUsd).toBeCloseTo(
      verdicts * dollars(1000, 200, 0.5),
      12,
    );
    const standard = usageSummary(database, { [judge]: price });
    expect(standard.find((row) => row.model === judge)?.costUsd).toBeCloseTo(
      verdicts * dollars(1000, 200, 1),
      12,
    );
  } finally {
    store.close();
  }
});

function judgeUsage(batched: { batchedInputTokens?: number; batchedOutputTokens?: number }) {
  return {
    inputTokens: 1000,
    outputTokens: 200,
    calls: 1,
    cachedCalls: 0,
    billedInputTokens: 1000,
    billedOutputTokens: 200,
    ...batched,
  };
}
