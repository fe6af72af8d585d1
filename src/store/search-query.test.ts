import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { fullTextQuery, searchTerms } from "./search-query.ts";

describe("a search as a full-text query", () => {
  it("keeps quoted words together as a phrase and others as single words", () => {
    expect(searchTerms("cracked frame")).toEqual(["cracked", "frame"]);
    expect(searchTerms('"cracked frame" sale')).toEqual(["cracked frame", "sale"]);
    expect(searchTerms('keep "it quiet" or "perfect  condition"')).toEqual([
      "keep",
      "it quiet",
      "or",
      "perfect condition",
    ]);
  });

  it("reads an unmatched quote as nothing and punctuation alone as no word", () => {
    expect(searchTerms('"cracked frame')).toEqual(["cracked", "frame"]);
    expect(searchTerms('"')).toEqual([]);
    expect(searchTerms("( ) * :")).toEqual([]);
    expect(fullTextQuery('"')).toBeNull();
    expect(fullTextQuery("   ")).toBeNull();
  });

  it("quotes every term, so FTS5 operators are plain words", () => {
    expect(fullTextQuery("NEAR(")).toBe('"NEAR("');
    expect(fullTextQuery("a OR b")).toBe('"a" "OR" "b"');
    expect(fullTextQuery('"wire transfer" now')).toBe('"wire transfer" "now"');
  });

  it("never makes a query SQLite refuses, and finds phrases in order only", () => {
    const database = new Database(":memory:");
    database.exec("CREATE VIRTUAL TABLE t USING fts5(body, content = '')");
    const insert = database.prepare("INSERT INTO t (rowid, body) VALUES (?, ?)");
    insert.run(1, "The frame is cracked; NEAR the OR gate, body: col*umn ^x");
    insert.run(2, "A cracked frame, sold in perfect condition.");
    const match = (text: string) => {
      const query = fullTextQuery(text);
      if (query === null) return [];
      return (
        database.prepare("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid").all(query) as Array<{
          rowid: number;
        }>
      ).map((row) => row.rowid);
    };
    for (const hostile of ['"', "NEAR(", "NEAR(a b, 2)", "a AND", "OR", "*", "body:x", "^x", "-x"])
      expect(() => match(hostile), hostile).not.toThrow();
    expect(match('"cracked frame"')).toEqual([2]);
    expect(match("cracked frame")).toEqual([1, 2]);
    expect(match("near or")).toEqual([1]);
    expect(match('"perfect condition" CRACKED')).toEqual([2]);
    database.close();
  });
});
