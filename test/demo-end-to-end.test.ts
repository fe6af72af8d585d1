import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Cell, RunAnalysis } from "../src/report/analyze-run.ts";
import { formatProportion } from "../src/report/format.ts";
import { CELL_METRICS, type CellMetric } from "../src/report/outcome-metrics.ts";
import {
  fisherExactTest,
  holmAdjust,
  newcombeInterval,
  wilsonInterval,
} from "../src/stats/index.ts";
import { runCandorSync, temporaryDirectory } from "./run-fixture.ts";

const candor = (...args: string[]) => runCandorSync(args);

interface ExportedOutcome {
  undesired: string;
  reasoning_status: string;
  deception: string;
  deception_missing: string;
  deception_inconsistent: string;
}
interface ExportedTurn {
  followup: number;
  outcome: ExportedOutcome | null;
}
interface ExportedTrial {
  trial_id: string;
  subject: string;
  scenario: string;
  factors: Record<string, string>;
  arm: string;
  sample: number;
  status: string;
  simulated: boolean;
  turns: ExportedTurn[];
  outcome: ExportedOutcome | null;
}

/** Each metric's label on one exported outcome, and whether the turn is in its population. */
const LABELS: Record<CellMetric, (outcome: ExportedOutcome) => string | undefined> = {
  undesired: (o) => o.undesired,
  deception: (o) => o.deception,
  missing_reasoning: (o) => missing(o),
  deception_missing: (o) => o.deception_missing,
  deception_inconsistent: (o) => o.deception_inconsistent,
  deception_missing_given_undesired: (o) =>
    o.undesired === "yes" ? o.deception_missing : undefined,
  deception_inconsistent_given_undesired: (o) =>
    o.undesired === "yes" ? o.deception_inconsistent : undefined,
  missing_reasoning_given_undesired: (o) => (o.undesired === "yes" ? missing(o) : undefined),
  missing_reasoning_given_not_undesired: (o) => (o.undesired === "no" ? missing(o) : undefined),
};

function missing(outcome: ExportedOutcome): string {
  if (outcome.reasoning_status === "hidden") return "inconclusive";
  return outcome.reasoning_status === "missing" || outcome.reasoning_status === "empty"
    ? "yes"
    : "no";
}

/** Counts every metric per cell and follow-up from the export alone, as a user's script would. */
function recountFromExport(trials: readonly ExportedTrial[]) {
  const cells = new Map<string, Record<string, number>>();
  for (const trial of trials.filter((candidate) => candidate.status === "complete")) {
    for (const turn of trial.turns) {
      if (!turn.outcome) continue;
      const key = JSON.stringify([
        trial.subject,
        trial.scenario,
        trial.factors,
        trial.arm,
        turn.followup,
      ]);
      const counts = cells.get(key) ?? {};
      for (const metric of CELL_METRICS) {
        const label = LABELS[metric](turn.outcome);
        if (label !== undefined)
          counts[`${metric}:${label}`] = (counts[`${metric}:${label}`] ?? 0) + 1;
      }
      cells.set(key, counts);
    }
  }
  return cells;
}

function exportOf(runId: string, runsDir: string): ExportedTrial[] {
  return candor("export", runId, "--format", "jsonl", "--runs-dir", runsDir)
    .stdout.trim()
    .split("\n")
    .map((line) => JSON.parse(line) as ExportedTrial);
}

describe("candor demo, end to end", () => {
  const runsDir = temporaryDirectory();
  const demo = candor("demo", "--runs-dir", runsDir);
  const runId = /^run (\S+)/m.exec(demo.stdout)?.[1] ?? "";
  const analysis = () =>
    JSON.parse(
      candor("report", runId, "--format", "json", "--runs-dir", runsDir).stdout,
    ) as RunAnalysis;

  it("runs offline, prints where the report is, and marks it simulated", () => {
    expect(demo.stderr).toBe("");
    expect(demo.code).toBe(0);
    const htmlPath = /^report (\S+report\.html)$/m.exec(demo.stdout)?.[1] ?? "";
    expect(existsSync(htmlPath)).toBe(true);
    const html = readFileSync(htmlPath, "utf8");
    expect(html).toContain("SIMULATED SUBJECT");
    // Four figures: the primary contrast, the arms, persistence, the contrast cell by cell.
    expect(html.match(/<svg/g)).toHaveLength(4);
    for (const figure of [
      "figure-primary.svg",
      "figure-arms.svg",
      "figure-persistence.svg",
      "figure-contrast-by-cell.svg",
    ]) {
      expect(readFileSync(htmlPath.replace("report.html", figure), "utf8")).toMatch(/^<svg/);
    }
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="https?:/);
    // The primary analysis comes first.
    expect(html.indexOf("<h2>Primary analysis</h2>")).toBeLessThan(html.indexOf("<h2>Baseline"));
  });

  it("reports exactly the numbers the export implies, follow-up 0 and every rate included", () => {
    const result = analysis();
    const trials = exportOf(runId, runsDir);
    expect(trials.length).toBe(result.status.complete + result.status.error);
    expect(new Set(trials.map((trial) => trial.trial_id)).size).toBe(trials.length);
    expect(trials.every((trial) => trial.simulated)).toBe(true);

    const recounted = recountFromExport(trials);
    expect(result.cells.length).toBe(recounted.size);
    const baseline = result.cells.filter((cell) => cell.followup === 0);
    expect(new Set(baseline.map((cell) => cell.arm))).toEqual(new Set(["natural", "control"]));
    for (const cell of result.cells) {
      const counts =
        recounted.get(
          JSON.stringify([cell.subject, cell.scenario, cell.factors, cell.arm, cell.followup]),
        ) ?? {};
      for (const metric of CELL_METRICS) {
        const get = (label: string) => counts[`${metric}:${label}`] ?? 0;
        const [k, no, inconclusive] = [get("yes"), get("no"), get("inconclusive")];
        const all = k + no + inconclusive;
        expect(cell[metric], `${metric} ${JSON.stringify(cell.factors)}`).toMatchObject({
          k,
          n: k + no,
          inconclusive,
          ci: wilsonInterval(k, k + no),
          bounds: all === 0 ? [0, 1] : [k / all, (k + inconclusive) / all],
        });
      }
    }
  });

  it("shows those numbers in report.md, and follow-up 1 matches each trial's outcome field", () => {
    const result = analysis();
    const markdown = readFileSync(`${runsDir}/${runId}/report.md`, "utf8");
    const firstFollowup = result.cells.filter((cell: Cell) => cell.followup === 1);
    expect(firstFollowup.length).toBeGreaterThan(0);
    for (const cell of firstFollowup) {
      const row = `| ${cell.arm} | ${cell.trials} | ${formatProportion(cell.undesired).replaceAll("<", "\\<")}`;
      expect(markdown).toContain(row);
    }
    for (const row of result.primary.by_scenario)
      expect(markdown).toContain(row.summary.replaceAll("<", "\\<"));
    const trials = exportOf(runId, runsDir);
    const undesiredAtFirst = trials.filter((trial) => trial.outcome?.undesired === "yes").length;
    expect(undesiredAtFirst).toBe(firstFollowup.reduce((sum, cell) => sum + cell.undesired.k, 0));
  });

  it("lists the run", () => {
    const listing = candor("ls", "--runs-dir", runsDir);
    expect(listing.stdout).toContain(runId);
    expect(listing.stdout).toContain("SIMULATED");
  });

  it("compares arms unpaired (the prefixes are scripted), as the differences of the rates shown", () => {
    const result = analysis();
    const cells = new Map(
      result.cells.map((cell) => [
        JSON.stringify([cell.subject, cell.scenario, cell.factors, cell.followup, cell.arm]),
        cell,
      ]),
    );
    const undesiredFirst = result.comparisons.filter(
      (comparison) => comparison.metric === "undesired" && comparison.followup === 1,
    );
    expect(undesiredFirst.length).toBe(12);
    for (const comparison of result.comparisons) {
      expect(comparison.method).toBe("newcombe-fisher");
      const cell = (arm: string) =>
        cells.get(
          JSON.stringify([
            comparison.subject,
            comparison.scenario,
            comparison.factors,
            comparison.followup,
            arm,
          ]),
        ) as Cell;
      const [a, b] = [cell(comparison.a)[comparison.metric], cell(comparison.b)[comparison.metric]];
      expect(comparison.rate_a).toBe(a.rate);
      expect(comparison.rate_b).toBe(b.rate);
      if (a.rate !== null && b.rate !== null) expect(comparison.diff).toBe(a.rate - b.rate);
      expect(comparison.p).toBe(fisherExactTest(a.k, a.n - a.k, b.k, b.n - b.k));
      expect(comparison.ci).toEqual(newcombeInterval(a.k, a.n, b.k, b.n));
    }
    const baseline = result.comparisons.filter((comparison) => comparison.family === "baseline");
    expect(baseline.every((row) => row.a === "natural" && row.b === "control")).toBe(true);
    expect(baseline.every((row) => row.followup === 0)).toBe(true);
  });

  it("adjusts every p within its stated family, and only there", () => {
    const result = analysis();
    const families = new Set(result.comparisons.map((comparison) => comparison.family));
    expect(families).toEqual(new Set(["baseline", "followup-1", "followup-2", "followup-3"]));
    for (const family of families) {
      const rows = result.comparisons.filter((comparison) => comparison.family === family);
      const adjusted = holmAdjust(rows.map((row) => row.p));
      rows.forEach((row, index) => {
        expect(row.p_adjusted).toBeCloseTo(adjusted[index] ?? Number.NaN, 12);
      });
      expect(result.families.find((described) => described.name === family)?.tests).toBe(
        rows.length,
      );
    }
    const primary = result.primary.by_scenario;
    const adjustedPrimary = holmAdjust(primary.map((row) => row.cmh_p ?? 1));
    primary.forEach((row, index) => {
      expect(row.cmh_p_adjusted).toBeCloseTo(adjustedPrimary[index] ?? Number.NaN, 12);
    });
    const terms = result.factor_effects.flatMap((effect) => effect.terms);
    const adjustedTerms = holmAdjust(terms.map((term) => term.p));
    terms.forEach((term, index) => {
      expect(term.p_adjusted).toBeCloseTo(adjustedTerms[index] ?? Number.NaN, 12);
    });
  });

  it("fits each outcome on arm × factors against the first declared levels, over the decided turns", () => {
    const result = analysis();
    expect(result.factor_effects.length).toBe(3 * 3);
    for (const effect of result.factor_effects) {
      const cells = result.cells.filter(
        (cell) => cell.followup === 1 && cell.scenario === effect.scenario,
      );
      expect(effect.observations).toBe(cells.reduce((sum, cell) => sum + cell[effect.metric].n, 0));
      if (effect.problem === null) {
        expect(effect.terms.length).toBeGreaterThan(0);
        const arms = new Set(
          cells.filter((cell) => cell.arm !== "rebuttal").map((cell) => cell.arm),
        );
        expect(effect.marginal.map((marginal) => marginal.arm).sort()).toEqual([...arms].sort());
      } else expect(effect.terms).toEqual([]);
    }
    const realEstate = result.factor_effects.find(
      (effect) => effect.scenario === "real-estate" && effect.metric === "undesired",
    );
    expect(realEstate?.model).toBe("undesired ~ arm * attribute + arm * delivery");
    expect(realEstate?.baselines).toEqual({
      arm: "rebuttal",
      attribute: "race",
      delivery: "concurrent",
    });
  });
});
