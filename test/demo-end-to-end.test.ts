import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Cell, RunAnalysis } from "../src/report/analyze-run.ts";
import { formatProportion } from "../src/report/format.ts";
import {
  holmAdjust,
  mcnemarExactTest,
  pairedDifferenceInterval,
  wilsonInterval,
} from "../src/stats/index.ts";
import { runCandorSync, temporaryDirectory } from "./run-fixture.ts";

const candor = (...args: string[]) => runCandorSync(args);

interface ExportedTurn {
  followup: number;
  outcome: { undesired: string; reasoning_status: string; deception: string } | null;
}
interface ExportedTrial {
  trial_id: string;
  subject: string;
  scenario: string;
  factors: Record<string, string>;
  arm: string;
  status: string;
  simulated: boolean;
  turns: ExportedTurn[];
  outcome: ExportedTurn["outcome"];
}

/** Counts every metric per cell from the export alone, the way a user's own script would. */
function recountFromExport(trials: readonly ExportedTrial[]) {
  const cells = new Map<string, Record<string, number>>();
  for (const trial of trials.filter((candidate) => candidate.status === "complete")) {
    for (const turn of trial.turns) {
      if (!turn.outcome || turn.followup < 1) continue;
      const key = JSON.stringify([
        trial.subject,
        trial.scenario,
        trial.factors,
        trial.arm,
        turn.followup,
      ]);
      const counts = cells.get(key) ?? {};
      const add = (name: string) => {
        counts[name] = (counts[name] ?? 0) + 1;
      };
      add(`undesired:${turn.outcome.undesired}`);
      add(`deception:${turn.outcome.deception}`);
      add(`reasoning:${turn.outcome.reasoning_status}`);
      cells.set(key, counts);
    }
  }
  return cells;
}

function expectedMetrics(counts: Record<string, number>) {
  const get = (name: string) => counts[name] ?? 0;
  const missing = get("reasoning:missing") + get("reasoning:empty");
  return {
    undesired: {
      k: get("undesired:yes"),
      n: get("undesired:yes") + get("undesired:no"),
      inconclusive: get("undesired:inconclusive"),
    },
    deception: {
      k: get("deception:yes"),
      n: get("deception:yes") + get("deception:no"),
      inconclusive: get("deception:inconclusive"),
    },
    missing_reasoning: {
      k: missing,
      n: missing + get("reasoning:present"),
      inconclusive: get("reasoning:hidden"),
    },
  };
}

describe("candor demo, end to end", () => {
  const runsDir = temporaryDirectory();
  const demo = candor("demo", "--runs-dir", runsDir);
  const runId = /^run (\S+)/m.exec(demo.stdout)?.[1] ?? "";

  it("runs offline, prints where the report is, and marks it simulated", () => {
    expect(demo.stderr).toBe("");
    expect(demo.code).toBe(0);
    const htmlPath = /^report (\S+report\.html)$/m.exec(demo.stdout)?.[1] ?? "";
    expect(existsSync(htmlPath)).toBe(true);
    const html = readFileSync(htmlPath, "utf8");
    expect(html).toContain("SIMULATED SUBJECT");
    // Three figures: the arms, persistence over the three follow-ups, refusal minus rebuttal.
    expect(html.match(/<svg/g)).toHaveLength(3);
    for (const figure of [
      "figure-arms.svg",
      "figure-persistence.svg",
      "figure-refusal-minus-rebuttal.svg",
    ]) {
      expect(readFileSync(htmlPath.replace("report.html", figure), "utf8")).toMatch(/^<svg/);
    }
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="https?:/);
  });

  it("reports exactly the numbers the export implies", () => {
    const analysis = JSON.parse(
      candor("report", runId, "--format", "json", "--runs-dir", runsDir).stdout,
    ) as RunAnalysis;
    const exported = candor("export", runId, "--format", "jsonl", "--runs-dir", runsDir);
    const trials = exported.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as ExportedTrial);
    expect(trials.length).toBe(analysis.status.complete + analysis.status.error);
    expect(new Set(trials.map((trial) => trial.trial_id)).size).toBe(trials.length);
    expect(trials.every((trial) => trial.simulated)).toBe(true);

    const recounted = recountFromExport(trials);
    expect(analysis.cells.length).toBe(recounted.size);
    for (const cell of analysis.cells) {
      const counts = recounted.get(
        JSON.stringify([cell.subject, cell.scenario, cell.factors, cell.arm, cell.followup]),
      );
      expect(counts, `cell ${JSON.stringify(cell)}`).toBeDefined();
      const expected = expectedMetrics(counts ?? {});
      for (const metric of ["undesired", "deception", "missing_reasoning"] as const) {
        expect({
          k: cell[metric].k,
          n: cell[metric].n,
          inconclusive: cell[metric].inconclusive,
        }).toEqual(expected[metric]);
        expect(cell[metric].ci).toEqual(wilsonInterval(expected[metric].k, expected[metric].n));
      }
    }
  });

  it("shows those numbers in report.md, and follow-up 1 matches each trial's outcome field", () => {
    const analysis = JSON.parse(
      candor("report", runId, "--format", "json", "--runs-dir", runsDir).stdout,
    ) as RunAnalysis;
    const markdown = readFileSync(`${runsDir}/${runId}/report.md`, "utf8");
    const firstFollowup = analysis.cells.filter((cell: Cell) => cell.followup === 1);
    expect(firstFollowup.length).toBeGreaterThan(0);
    for (const cell of firstFollowup) {
      const row = `| ${cell.arm} | ${cell.trials} | ${formatProportion(cell.undesired)}`;
      expect(markdown).toContain(row);
    }
    const trials = candor("export", runId, "--format", "jsonl", "--runs-dir", runsDir)
      .stdout.trim()
      .split("\n")
      .map((line) => JSON.parse(line) as ExportedTrial);
    const undesiredAtFirst = trials.filter((trial) => trial.outcome?.undesired === "yes").length;
    expect(undesiredAtFirst).toBe(firstFollowup.reduce((sum, cell) => sum + cell.undesired.k, 0));
  });

  it("lists the run", () => {
    const listing = candor("ls", "--runs-dir", runsDir);
    expect(listing.stdout).toContain(runId);
    expect(listing.stdout).toContain("SIMULATED");
  });

  it("compares refusal and rebuttal pair by pair, as the export implies, with adjusted p-values", () => {
    const analysis = JSON.parse(
      candor("report", runId, "--format", "json", "--runs-dir", runsDir).stdout,
    ) as RunAnalysis;
    const trials = candor("export", runId, "--format", "jsonl", "--runs-dir", runsDir)
      .stdout.trim()
      .split("\n")
      .map((line) => JSON.parse(line) as ExportedTrial & { sample: number });
    const bySample = new Map<string, ExportedTrial>();
    for (const trial of trials)
      bySample.set(JSON.stringify([trial.scenario, trial.factors, trial.sample, trial.arm]), trial);
    const undesiredFirst = analysis.comparisons.filter(
      (comparison) => comparison.metric === "undesired" && comparison.followup === 1,
    );
    expect(undesiredFirst.length).toBe(10);
    for (const comparison of undesiredFirst) {
      expect(comparison.method).toBe("mcnemar-paired");
      const table = { both: 0, onlyA: 0, onlyB: 0, neither: 0 };
      for (const trial of trials.filter(
        (candidate) =>
          candidate.arm === "refusal" &&
          candidate.scenario === comparison.scenario &&
          JSON.stringify(candidate.factors) === JSON.stringify(comparison.factors),
      )) {
        const partner = bySample.get(
          JSON.stringify([trial.scenario, trial.factors, trial.sample, "rebuttal"]),
        );
        const a = trial.outcome?.undesired;
        const b = partner?.outcome?.undesired;
        if (!a || !b || a === "inconclusive" || b === "inconclusive") continue;
        if (a === "yes" && b === "yes") table.both += 1;
        else if (a === "yes") table.onlyA += 1;
        else if (b === "yes") table.onlyB += 1;
        else table.neither += 1;
      }
      const pairs = table.both + table.onlyA + table.onlyB + table.neither;
      expect(comparison.n).toBe(pairs);
      expect(comparison.diff).toBeCloseTo((table.onlyA - table.onlyB) / pairs, 12);
      expect(comparison.p).toBeCloseTo(mcnemarExactTest(table.onlyA, table.onlyB), 12);
      expect(comparison.ci).toEqual(
        pairedDifferenceInterval(table.both, table.onlyA, table.onlyB, table.neither),
      );
    }
    const adjusted = holmAdjust(analysis.comparisons.map((comparison) => comparison.p));
    for (const [index, comparison] of analysis.comparisons.entries()) {
      expect(comparison.p_adjusted).toBeCloseTo(adjusted[index] ?? Number.NaN, 12);
    }
  });

  it("fits each outcome on arm × factors, over exactly the decided turns the cells count", () => {
    const analysis = JSON.parse(
      candor("report", runId, "--format", "json", "--runs-dir", runsDir).stdout,
    ) as RunAnalysis;
    expect(analysis.factor_effects.length).toBe(3 * 3);
    for (const effect of analysis.factor_effects) {
      const cells = analysis.cells.filter(
        (cell) => cell.followup === 1 && cell.scenario === effect.scenario,
      );
      expect(effect.observations).toBe(cells.reduce((sum, cell) => sum + cell[effect.metric].n, 0));
      if (effect.problem === null) expect(effect.terms.length).toBeGreaterThan(0);
      else expect(effect.terms).toEqual([]);
    }
    const realEstate = analysis.factor_effects.find(
      (effect) => effect.scenario === "real-estate" && effect.metric === "undesired",
    );
    expect(realEstate?.model).toBe(
      "undesired ~ arm * attribute + arm * delivery (baseline arm=rebuttal)",
    );
  });
});
