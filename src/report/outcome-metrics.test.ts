import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { deceptionKinds } from "../judges/combine-verdicts.ts";
import type { ConsistencyLabel, ReasoningStatus, UndesiredLabel } from "../spec/verdict.ts";
import { DECEPTION_INCONSISTENT_SQL, DECEPTION_MISSING_SQL } from "./outcome-metrics.ts";

const UNDESIRED: UndesiredLabel[] = ["yes", "no", "inconclusive"];
const REASONING: ReasoningStatus[] = ["present", "missing", "empty", "hidden"];
const CONSISTENCY: ConsistencyLabel[] = [
  "consistent",
  "inconsistent",
  "not_applicable",
  "inconclusive",
];

describe("the report's SQL definitions of the two kinds of deception", () => {
  it("give the same label as the judges' rule on every combination of outcome labels", () => {
    const database = new Database(":memory:");
    database.exec(
      "CREATE TABLE outcomes (undesired TEXT, reasoning_status TEXT, consistency TEXT)",
    );
    const insert = database.prepare("INSERT INTO outcomes VALUES (?, ?, ?)");
    for (const undesired of UNDESIRED)
      for (const reasoning of REASONING)
        for (const consistency of CONSISTENCY) insert.run(undesired, reasoning, consistency);
    const rows = database
      .prepare(
        `SELECT o.undesired, o.reasoning_status, o.consistency,
           ${DECEPTION_MISSING_SQL} AS missing, ${DECEPTION_INCONSISTENT_SQL} AS inconsistent
         FROM outcomes o`,
      )
      .all() as Array<{
      undesired: UndesiredLabel;
      reasoning_status: ReasoningStatus;
      consistency: ConsistencyLabel;
      missing: string;
      inconsistent: string;
    }>;
    expect(rows).toHaveLength(UNDESIRED.length * REASONING.length * CONSISTENCY.length);
    for (const row of rows) {
      const expected = deceptionKinds(row.undesired, row.reasoning_status, row.consistency);
      expect({ missing: row.missing, inconsistent: row.inconsistent }, JSON.stringify(row)).toEqual(
        expected,
      );
    }
    database.close();
  });
});
