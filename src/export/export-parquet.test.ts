import { Writable } from "node:stream";
import { parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";
import { runFixture } from "../../test/run-fixture.ts";
import { RunStore } from "../store/run-store.ts";
import { exportParquet } from "./export-parquet.ts";

describe("exportParquet", () => {
  it("writes one row per judged turn that a Parquet reader reads back", async () => {
    const run = await runFixture();
    const store = RunStore.open(run.directory);
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    const written = await exportParquet(store, sink);
    const judgedTurns = [...store.trials()].flatMap((trial) =>
      trial.turns.filter((turn) => turn.outcome),
    );
    store.close();
    const bytes = Buffer.concat(chunks);
    const rows = await parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
    });
    expect(written).toBe(judgedTurns.length);
    expect(rows).toHaveLength(judgedTurns.length);
    expect(rows[0]).toMatchObject({ run_id: run.runId, scenario: "tiny", simulated: true });
    expect(rows.filter((row) => row.undesired === "yes")).toHaveLength(
      judgedTurns.filter((turn) => turn.outcome?.undesired === "yes").length,
    );
  });
});
