import { createHash } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runFixture } from "../../test/run-fixture.ts";
import { findTrials } from "./find-trials.ts";
import { RunStore } from "./run-store.ts";
import {
  attachSearchIndex,
  SEARCH_INDEX_FILE,
  searchIndexLocation,
  updateSearchIndex,
} from "./search-index.ts";

/** Gives one judged turn of a trial an output no other turn has; returns the trial's id. */
function plantOutput(directory: string, body: string): string {
  const store = RunStore.open(directory);
  const turn = store.database
    .prepare("SELECT trial_id, turn_index FROM turns WHERE judged = 1 ORDER BY trial_id LIMIT 1")
    .get() as { trial_id: string; turn_index: number };
  const hash = createHash("sha256").update(body).digest();
  const { text_id } = store.database
    .prepare("INSERT INTO texts (hash, body) VALUES (?, ?) RETURNING text_id")
    .get(hash, body) as { text_id: number };
  store.database
    .prepare("UPDATE turns SET output_id = ? WHERE trial_id = ? AND turn_index = ?")
    .run(text_id, turn.trial_id, turn.turn_index);
  // As writing the trial again would: the index maps trials finished since its last update.
  store.database
    .prepare("UPDATE trials SET finished_at = ? WHERE trial_id = ?")
    .run(new Date().toISOString(), turn.trial_id);
  store.close();
  return turn.trial_id;
}

/** How many distinct texts the run's generated turns have as output or reasoning. */
function generatedTexts(store: RunStore): number {
  const query = `SELECT COUNT(*) AS n FROM (
    SELECT output_id FROM turns WHERE output_id IS NOT NULL
    UNION SELECT reasoning_id FROM turns WHERE reasoning_id IS NOT NULL)`;
  return (store.database.prepare(query).get() as { n: number }).n;
}

describe("a run's full-text index", () => {
  it("is kept beside run.sqlite, indexes each output and reasoning once, then only new ones", async () => {
    const { directory } = await runFixture(undefined, { samples: 2 });
    const indexFile = searchIndexLocation(directory);
    expect(indexFile).toBe(join(directory, SEARCH_INDEX_FILE));
    const reader = RunStore.openForReading(directory);
    const texts = generatedTexts(reader);
    expect(updateSearchIndex(reader.database, indexFile)).toEqual({ texts, added: texts });
    expect(updateSearchIndex(reader.database, indexFile)).toEqual({ texts, added: 0 });
    reader.close();
    expect(existsSync(indexFile)).toBe(true);

    const planted = plantOutput(
      directory,
      "Honestly, the zebra-striped frame was repainted twice.",
    );
    const again = RunStore.openForReading(directory);
    expect(updateSearchIndex(again.database, indexFile)).toEqual({ texts: texts + 1, added: 1 });
    attachSearchIndex(again.database, indexFile);
    const found = findTrials(again.database, "run", { search: '"striped frame"' }, { limit: 10 });
    expect(found.trials.map((trial) => trial.trialId)).toEqual([planted]);
    expect(found.trials[0]?.excerpt).toMatchObject({ part: "output" });
    expect(found.trials[0]?.excerpt?.text).toContain("zebra-striped frame was repainted");
    // The words in another order are not the phrase.
    expect(
      findTrials(again.database, "run", { search: '"frame striped"' }, { limit: 10 }).total,
    ).toBe(0);
    again.close();

    // The trial written again with another output is no longer found by its old one.
    expect(plantOutput(directory, "A plain blue frame.")).toBe(planted);
    const rewritten = RunStore.openForReading(directory);
    updateSearchIndex(rewritten.database, indexFile);
    attachSearchIndex(rewritten.database, indexFile);
    expect(findTrials(rewritten.database, "run", { search: "zebra" }, { limit: 10 }).total).toBe(0);
    expect(
      findTrials(rewritten.database, "run", { search: '"plain blue frame"' }, { limit: 10 }).trials,
    ).toMatchObject([{ trialId: planted }]);
    rewritten.close();
  });

  it("is built again from scratch for another run in the same place", async () => {
    const { directory } = await runFixture(undefined, { samples: 1 });
    const indexFile = searchIndexLocation(directory);
    const store = RunStore.open(directory);
    const texts = updateSearchIndex(store.database, indexFile).texts;
    expect(texts).toBe(generatedTexts(store));
    store.database
      .prepare("UPDATE run_metadata SET value = ? WHERE key = 'runId'")
      .run(JSON.stringify("another-run"));
    expect(updateSearchIndex(store.database, indexFile)).toEqual({ texts, added: texts });
    store.close();
  });
});

describe("a damaged search index", () => {
  it("is replaced by a new one", async () => {
    const { directory } = await runFixture(undefined, { samples: 1 });
    const indexFile = searchIndexLocation(directory);
    writeFileSync(indexFile, "not a database, ".repeat(512));
    const store = RunStore.openForReading(directory);
    const { texts, added } = updateSearchIndex(store.database, indexFile);
    expect(added).toBe(texts);
    expect(texts).toBeGreaterThan(0);
    store.close();
  });
});
