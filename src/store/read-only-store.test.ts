import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runFixture, temporaryDirectory } from "../../test/run-fixture.ts";
import { labelledVerdicts } from "./human-labels.ts";
import { DATABASE_FILE, RunStore, UnreadableRunError } from "./run-store.ts";

function fingerprint(file: string) {
  return { bytes: readFileSync(file), mtime: statSync(file).mtimeMs };
}

describe("reading a run without writing it", () => {
  it("opens read-only, runs no schema statement and leaves the database as it was", async () => {
    const { directory } = await runFixture();
    const file = join(directory, DATABASE_FILE);
    const before = fingerprint(file);
    // Left in rollback-journal mode by its writer: readable where no write-ahead log can be made.
    expect(before.bytes[18]).toBe(1);
    const store = RunStore.openForReading(directory);
    try {
      expect(store.database.readonly).toBe(true);
      expect(store.metadata().runId).toBeTruthy();
      expect([...store.trials()].length).toBeGreaterThan(0);
      expect(labelledVerdicts(store.database, {})).toEqual([]);
      expect(() => store.database.exec("CREATE TABLE anything (a)")).toThrow(/readonly/);
    } finally {
      store.close();
    }
    expect(fingerprint(file)).toEqual(before);
  });

  it("reads a run made before a table was added, without adding it to the file", async () => {
    const { directory } = await runFixture();
    const writer = RunStore.open(directory);
    writer.database.exec("DROP TABLE human_labels");
    writer.close();
    const before = fingerprint(join(directory, DATABASE_FILE));
    const store = RunStore.openForReading(directory);
    try {
      expect(labelledVerdicts(store.database, {})).toEqual([]);
    } finally {
      store.close();
    }
    expect(fingerprint(join(directory, DATABASE_FILE))).toEqual(before);
  });

  it.each([
    ["an empty file", ""],
    ["a file of garbage", "this is not a database, it is garbage ".repeat(200)],
  ])("refuses %s with one message naming it, and leaves it as it is", (_, content) => {
    const directory = temporaryDirectory();
    const file = join(directory, DATABASE_FILE);
    writeFileSync(file, content);
    const before = fingerprint(file);
    let thrown: unknown;
    try {
      RunStore.openForReading(directory).close();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UnreadableRunError);
    expect((thrown as Error).message).toContain(file);
    // Opening to write (resume, judge, label) refuses it too, before anything is written.
    expect(() => RunStore.open(directory)).toThrow(UnreadableRunError);
    expect(fingerprint(file)).toEqual(before);
  });
});
