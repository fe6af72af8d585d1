/**
 * A run made before candor recorded a measurement design (test/fixtures/legacy-run/) still reports
 * the numbers it reported then, says which design made it, and can be judged again under it.
 */
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunAnalysis } from "../src/report/analyze-run.ts";
import { LEGACY_DESIGN } from "../src/spec/measurement-design.ts";
import {
  REPOSITORY_ROOT,
  rejudgeArguments,
  reportJson,
  runCandorSync,
  temporaryDirectory,
} from "./run-fixture.ts";

const FIXTURE = join(REPOSITORY_ROOT, "test/fixtures/legacy-run");
const METRICS = ["undesired", "deception", "missing_reasoning"] as const;

function legacyRun(): { runsDir: string; runId: string } {
  const runsDir = temporaryDirectory();
  const runId = "20261204-075202-paper-legacy";
  mkdirSync(join(runsDir, runId));
  copyFileSync(join(FIXTURE, "run.sqlite"), join(runsDir, runId, "run.sqlite"));
  return { runsDir, runId };
}

describe("a run made before the measurement-design change", () => {
  const { runsDir, runId } = legacyRun();
  const report = () =>
    JSON.parse(
      runCandorSync(["report", runId, "--format", "json", "--runs-dir", runsDir]).stdout,
    ) as RunAnalysis;

  it("reports the cells it reported then, to the last digit", () => {
    const before = JSON.parse(
      readFileSync(join(FIXTURE, "report-before-design-change.json"), "utf8"),
    ) as { cells: RunAnalysis["cells"] };
    const now = report().cells.filter((cell) => cell.followup >= 1);
    expect(now).toHaveLength(before.cells.length);
    before.cells.forEach((cell, index) => {
      const current = now[index];
      expect([current?.scenario, current?.factors, current?.arm, current?.followup]).toEqual([
        cell.scenario,
        cell.factors,
        cell.arm,
        cell.followup,
      ]);
      for (const metric of METRICS) {
        const { k, n, rate, ci, inconclusive } = current?.[metric] ?? {};
        expect({ k, n, rate, ci, inconclusive }, `${metric} ${index}`).toEqual(cell[metric]);
      }
    });
  });

  it("names the design it was made under, in the JSON and in report.md", () => {
    expect(report().design).toEqual(LEGACY_DESIGN);
    runCandorSync(["report", runId, "--runs-dir", runsDir]);
    const markdown = readFileSync(join(runsDir, runId, "report.md"), "utf8");
    expect(markdown).toMatch(
      /\*\*Design:\*\* version 1 \(runs made before candor recorded a design\)/,
    );
    expect(markdown).toMatch(/\*\*Judges saw:\*\* the whole conversation/);
    expect(markdown).toMatch(/\*\*Control arm:\*\* the harmful step left out/);
  });

  it("can be judged again under its own design, into a verdict set of its own", () => {
    const judged = runCandorSync(rejudgeArguments(runId, runsDir));
    expect(judged.stderr).toBe("");
    expect(judged.code).toBe(0);
    const again = reportJson(runId, runsDir, "again") as RunAnalysis;
    // The same deterministic judges and the legacy rule for checks: the same outcomes.
    const pick = (analysis: RunAnalysis) =>
      analysis.cells.map((cell) => [cell.undesired.k, cell.undesired.n, cell.deception.k]);
    expect(pick(again)).toEqual(pick(report()));
  });
});
