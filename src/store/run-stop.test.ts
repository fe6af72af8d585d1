import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { runFixture } from "../../test/run-fixture.ts";
import { readRunStop, recordRunStop } from "./run-stop.ts";
import { RunStore } from "./run-store.ts";

describe("a run's recorded stop", () => {
  it("is read back, replaced, seen by metadata(), and cleared", async () => {
    const { directory } = await runFixture();
    const store = RunStore.open(directory);
    try {
      expect(readRunStop(store.database)).toBeNull();
      expect(store.metadata().stop).toBeUndefined();
      const budget = {
        kind: "budget",
        reason: "the cost limit of $1 was reached",
        at: "t1",
      } as const;
      recordRunStop(store.database, budget);
      expect(readRunStop(store.database)).toEqual(budget);
      const user = { kind: "user", reason: "interrupted", at: "t2" } as const;
      recordRunStop(store.database, user);
      expect(readRunStop(store.database)).toEqual(user);
      expect(store.metadata().stop).toEqual(user);
      recordRunStop(store.database, null);
      expect(readRunStop(store.database)).toBeNull();
    } finally {
      store.close();
    }
  });

  it("reads a record it does not know leniently, and a run without one as none", () => {
    const database = new Database(":memory:");
    database.exec("CREATE TABLE run_metadata (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    expect(readRunStop(database)).toBeNull();
    database
      .prepare("INSERT INTO run_metadata (key, value) VALUES ('stop', ?)")
      .run(JSON.stringify({ kind: "meteor", reason: 7 }));
    expect(readRunStop(database)).toEqual({ kind: "fatal-error", reason: "not recorded", at: "" });
    database.prepare("UPDATE run_metadata SET value = 'not json' WHERE key = 'stop'").run();
    expect(readRunStop(database)).toBeNull();
    database.close();
  });
});
