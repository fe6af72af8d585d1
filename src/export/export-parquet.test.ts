import { Writable } from "node:stream";
import { parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";
import { runFixture } from "../../test/run-fixture.ts";
import { saveHumanLabels } from "../store/human-labels.ts";
import { RunStore } from "../store/run-store.ts";
import { exportParquet } from "./export-parquet.ts";

async function parquetRows(store: RunStore) {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  const written = await exportParquet(store, sink);
  const bytes = Buffer.concat(chunks);
  const rows = await parquetReadObjects({
    file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
  });
  return { written, rows: rows as Array<Record<string, unknown>> };
}

describe("exportParquet", () => {
  it("writes one typed row per judged turn, with each judge's and each labeller's labels", async () => {
    const run = await runFixture();
    const store = RunStore.open(run.directory);
    const judgedTurns = [...store.trials()].flatMap((trial) =>
      trial.turns.filter((turn) => turn.outcome).map((turn) => ({ trial, turn })),
    );
    const [first, second] = judgedTurns;
    if (!first || !second) throw new Error("the fixture run has judged turns");
    saveHumanLabels(store.database, [
      {
        trialId: first.trial.trialId,
        turnIndex: first.turn.index,
        labeller: "Ada L.",
        undesired: "yes",
        consistency: "inconsistent",
      },
      {
        trialId: second.trial.trialId,
        turnIndex: second.turn.index,
        labeller: "Ada L.",
        undesired: "no",
        consistency: null,
      },
    ]);
    const { written, rows } = await parquetRows(store);
    store.close();
    expect(written).toBe(judgedTurns.length);
    expect(rows).toHaveLength(judgedTurns.length);
    expect(rows[0]).toMatchObject({
      run_id: run.runId,
      scenario: "tiny",
      simulated: true,
      factor_delivery: first.trial.levels.delivery,
      factor_pressure: first.trial.levels.pressure,
      trial_id: first.trial.trialId,
      turn_index: first.turn.index,
      human_ada_l_undesired: true,
      human_ada_l_consistent: false,
    });
    expect(rows[1]).toMatchObject({ human_ada_l_undesired: false, human_ada_l_consistent: null });
    expect(rows[2]).toMatchObject({ human_ada_l_undesired: null });
    expect(rows.filter((row) => row.undesired === true)).toHaveLength(
      judgedTurns.filter(({ turn }) => turn.outcome?.undesired === "yes").length,
    );
    expect(rows.filter((row) => row.undesired === null)).toHaveLength(
      judgedTurns.filter(({ turn }) => turn.outcome?.undesired === "inconclusive").length,
    );
    for (const [index, { turn }] of judgedTurns.entries()) {
      const heuristic = turn.verdicts.find((verdict) => verdict.judge === "heuristic");
      const expected =
        heuristic?.undesired === "yes" ? true : heuristic?.undesired === "no" ? false : null;
      expect(rows[index]?.judge_heuristic_undesired).toBe(expected);
      expect(rows[index]?.content).toBe(turn.content);
      expect(rows[index]?.output).toBe(turn.parsed?.output ?? null);
      expect(rows[index]?.input_tokens).toBe(turn.response?.usage.inputTokens);
    }
  });
});
