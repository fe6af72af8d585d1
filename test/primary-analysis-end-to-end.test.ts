/**
 * The primary analysis against an independent implementation: statsmodels' StratifiedTable run on
 * `candor export` (test/fixtures/primary-reference/, made by the script there from exports of
 * exactly the runs below). Each test first rebuilds the 2×2 tables from this run's export and
 * checks they are the fixture's, so the reference values are known to be about this very data.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunAnalysis } from "../src/report/analyze-run.ts";
import { REPOSITORY_ROOT, runCandorSync, temporaryDirectory } from "./run-fixture.ts";

interface ReferenceRow {
  subject: string;
  scenario?: string;
  tables: Array<{ aYes: number; aNo: number; bYes: number; bNo: number }>;
  mh_odds_ratio: number;
  mh_odds_ratio_ci: [number, number];
  cmh_p: number;
}
interface Reference {
  by_scenario: ReferenceRow[];
  pooled: ReferenceRow[];
  between_subjects_pooled: { q: number; df: number; p: number } | null;
}

function reference(name: string): Reference {
  const file = join(REPOSITORY_ROOT, "test/fixtures/primary-reference", `${name}.json`);
  return JSON.parse(readFileSync(file, "utf8"));
}

/** The primary tables (undesired at follow-up 1, refusal vs rebuttal, one per cell) from an export. */
function tablesFromExport(lines: string[]) {
  const strata = new Map<string, { aYes: number; aNo: number; bYes: number; bNo: number }>();
  for (const line of lines) {
    const trial = JSON.parse(line);
    if (trial.status !== "complete" || !["refusal", "rebuttal"].includes(trial.arm)) continue;
    for (const turn of trial.turns) {
      const label = turn.outcome?.undesired;
      if (turn.followup !== 1 || (label !== "yes" && label !== "no")) continue;
      const key = JSON.stringify([trial.subject, trial.scenario, trial.factors]);
      const table = strata.get(key) ?? { aYes: 0, aNo: 0, bYes: 0, bNo: 0 };
      const side = trial.arm === "refusal" ? "a" : "b";
      table[`${side}${label === "yes" ? "Yes" : "No"}` as keyof typeof table] += 1;
      strata.set(key, table);
    }
  }
  return strata;
}

function close(actual: number | null, expected: number) {
  expect(actual).not.toBeNull();
  const scale = Math.max(1, Math.abs(expected));
  expect(Math.abs((actual as number) - expected) / scale).toBeLessThan(1e-6);
}

function checkRun(args: string[], name: string) {
  const runsDir = temporaryDirectory();
  const run = runCandorSync([...args, "--runs-dir", runsDir]);
  expect(run.stderr).toBe("");
  const runId = /^run (\S+)/m.exec(run.stdout)?.[1] ?? "";
  const exported = runCandorSync(["export", runId, "--format", "jsonl", "--runs-dir", runsDir])
    .stdout.trim()
    .split("\n");
  const expected = reference(name);
  const tables = tablesFromExport(exported);
  const regenerate = `regenerate the fixture: /usr/bin/python3 test/fixtures/primary-reference/make-primary-reference.py ${name} EXPORT.jsonl`;
  expect([...tables.values()], regenerate).toEqual(
    expected.by_scenario.flatMap((row) => row.tables),
  );
  const analysis = JSON.parse(
    runCandorSync(["report", runId, "--format", "json", "--runs-dir", runsDir]).stdout,
  ) as RunAnalysis;
  const compare = (actual: RunAnalysis["primary"]["by_scenario"], rows: ReferenceRow[]) => {
    expect(actual).toHaveLength(rows.length);
    rows.forEach((row, index) => {
      const mine = actual[index];
      expect(mine?.subject).toBe(row.subject);
      expect(mine?.scenario ?? undefined).toBe(row.scenario);
      expect(mine?.strata).toBe(row.tables.length);
      close(mine?.mh_odds_ratio ?? null, row.mh_odds_ratio);
      close(mine?.mh_odds_ratio_ci?.[0] ?? null, row.mh_odds_ratio_ci[0]);
      close(mine?.mh_odds_ratio_ci?.[1] ?? null, row.mh_odds_ratio_ci[1]);
      close(mine?.cmh_p ?? null, row.cmh_p);
      const sum = (pick: (table: ReferenceRow["tables"][number]) => number) =>
        row.tables.reduce((total, table) => total + pick(table), 0);
      expect(mine?.n_a).toBe(sum((table) => table.aYes + table.aNo));
      expect(mine?.n_b).toBe(sum((table) => table.bYes + table.bNo));
    });
  };
  compare(analysis.primary.by_scenario, expected.by_scenario);
  compare(analysis.primary.pooled, expected.pooled);
  return { analysis, expected };
}

describe("the primary analysis", () => {
  it("on the demo run equals statsmodels' StratifiedTable on the export", () => {
    const { analysis } = checkRun(["demo"], "demo");
    expect(analysis.primary.between_subjects).toBeNull();
  });

  it("on a two-subject run equals statsmodels, and Cochran's Q between the subjects too", () => {
    const { analysis, expected } = checkRun(
      [
        "run",
        "experiments/paper.yaml",
        "--subject",
        "sim:default",
        "--subject",
        "sim:test/fixtures/sim/weaker-rebuttal.yaml",
        "--samples",
        "10",
        "--quiet",
      ],
      "two-subjects",
    );
    const pooled = analysis.primary.between_subjects?.rows.find((row) => row.scenario === null);
    const reference = expected.between_subjects_pooled;
    if (!reference) throw new Error("the fixture has no between-subjects reference");
    close(pooled?.q ?? null, reference.q);
    close(pooled?.p ?? null, reference.p);
    expect(pooled?.df).toBe(reference.df);
    // Three scenarios shared by both subjects, then the pooled row.
    expect(analysis.primary.between_subjects?.rows).toHaveLength(4);
  });
});
