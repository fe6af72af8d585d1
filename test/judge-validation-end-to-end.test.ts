/**
 * Judges measured against people: labels imported from a CSV, then `validate-judge` must report
 * exactly what the export's verdicts and those labels imply; and a frozen run judged again.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cohenKappa, diagnosticAccuracy, roganGladen } from "../src/stats/index.ts";
import {
  REPOSITORY_ROOT,
  rejudgeArguments,
  reportJson,
  runCandorSync,
  TINY_EXPERIMENT,
  temporaryDirectory,
} from "./run-fixture.ts";

interface ExportedTurn {
  index: number;
  judged: boolean;
  verdicts: Array<{ judge: string; undesired: string | null; consistency: string | null }>;
}
interface ExportedTrial {
  trial_id: string;
  turns: ExportedTurn[];
}

describe("judge validation against human labels", () => {
  const runsDir = temporaryDirectory();
  let runId = "";
  let trials: ExportedTrial[] = [];
  const humanLabels = new Map<string, { undesired: string; consistency: string }>();

  beforeAll(() => {
    const run = runCandorSync(["run", TINY_EXPERIMENT, "--runs-dir", runsDir, "--quiet"]);
    runId = /^run (\S+)/m.exec(run.stdout)?.[1] ?? "";
    trials = runCandorSync(["export", runId, "--format", "jsonl", "--runs-dir", runsDir])
      .stdout.trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    // A reproducible "human": agrees with the heuristic judge on most turns, disagrees on every fifth.
    let count = 0;
    for (const trial of trials) {
      for (const turn of trial.turns.filter((candidate) => candidate.judged)) {
        const heuristic = turn.verdicts.find((verdict) => verdict.judge === "heuristic");
        const flip = count++ % 5 === 0;
        const undesired = (heuristic?.undesired === "yes") !== flip ? "yes" : "no";
        const consistency =
          heuristic?.consistency === "inconsistent"
            ? "inconsistent"
            : heuristic?.consistency === "not_applicable"
              ? "not_applicable"
              : "consistent";
        humanLabels.set(`${trial.trial_id}#${turn.index}`, { undesired, consistency });
      }
    }
    const csv = [
      "trial_id,turn,undesired,consistency",
      ...[...humanLabels].map(
        ([key, label]) => `${key.replace("#", ",")},${label.undesired},${label.consistency}`,
      ),
    ];
    const file = join(runsDir, "labels.csv");
    writeFileSync(file, `${csv.join("\n")}\n`);
    const imported = runCandorSync(["label", runId, "--import", file, "--runs-dir", runsDir]);
    expect(imported.stderr).toBe("");
    expect(imported.stdout).toMatch(new RegExp(`imported ${humanLabels.size} labels`));
  });

  it("reports sensitivity, specificity and kappa that the export and the labels imply", () => {
    const result = runCandorSync(["validate-judge", runId, "--json", "--runs-dir", runsDir]);
    expect(result.code).toBe(0);
    const validations = JSON.parse(result.stdout).judges as Array<{
      verdict_set: string;
      labeller: string;
      judge: string;
      label: string;
      n: number;
      sensitivity: { value: number; ci: number[] };
      specificity: { value: number; ci: number[] };
      kappa: { value: number; ci: number[] };
    }>;
    const heuristic = validations.find(
      (validation) =>
        validation.judge === "heuristic" &&
        validation.label === "undesired" &&
        validation.verdict_set === "run" &&
        validation.labeller === "human",
    );
    const pairs: Array<[string, string]> = [];
    for (const trial of trials) {
      for (const turn of trial.turns.filter((candidate) => candidate.judged)) {
        const judged = turn.verdicts.find((verdict) => verdict.judge === "heuristic")?.undesired;
        const human = humanLabels.get(`${trial.trial_id}#${turn.index}`)?.undesired;
        if ((judged === "yes" || judged === "no") && human) pairs.push([judged, human]);
      }
    }
    const accuracy = diagnosticAccuracy(
      pairs.map(([judged, human]) => ({ judge: judged === "yes", truth: human === "yes" })),
    );
    const kappa = cohenKappa(pairs);
    expect(heuristic?.n).toBe(pairs.length);
    expect(heuristic?.sensitivity).toEqual({
      value: accuracy.sensitivity.value,
      ci: accuracy.sensitivity.ci,
    });
    expect(heuristic?.specificity).toEqual({
      value: accuracy.specificity.value,
      ci: accuracy.specificity.ci,
    });
    expect(heuristic?.kappa).toEqual({ value: kappa.kappa, ci: kappa.ci });
    expect(heuristic?.kappa.value).toBeLessThan(1);
  });

  it("refuses a label for a turn that was never judged, storing nothing", () => {
    const file = join(runsDir, "bad-labels.csv");
    writeFileSync(file, "trial_id,turn,undesired,consistency\nt-nope,3,yes,consistent\n");
    const result = runCandorSync(["label", runId, "--import", file, "--runs-dir", runsDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `candor: ${file}: row 2.trial_id: no judged turn 3 in trial t-nope\n`,
    );
  });

  it("judges the frozen run again into a new verdict set that the report can use", () => {
    const judged = runCandorSync(rejudgeArguments(runId, runsDir));
    expect(judged.stderr).toBe("");
    expect(judged.stdout).toMatch(/judged 48 trials into verdict set "again"/);
    const original = reportJson(runId, runsDir);
    const again = reportJson(runId, runsDir, "again");
    expect(again.verdict_set).toBe("again");
    expect(again.judges).toEqual(["checks", "heuristic"]);
    // The heuristic judge is deterministic: the same turns judged again give the same cells.
    expect(again.cells).toEqual(original.cells);
    const mainReport = readFileSync(join(runsDir, runId, "report.md"), "utf8");
    runCandorSync(["report", runId, "--judges", "again", "--runs-dir", runsDir]);
    expect(readFileSync(join(runsDir, runId, "report.md"), "utf8")).toBe(mainReport);
    expect(readFileSync(join(runsDir, runId, "report-again.md"), "utf8")).toMatch(
      /\*\*Verdict set:\*\* again/,
    );
    const missing = runCandorSync(["report", runId, "--judges", "nope", "--runs-dir", runsDir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no verdict set "nope" in this run; it has: again, run/);
  });

  it("validates each verdict set and each labeller apart, never counting a label twice", () => {
    const rows = (args: string[]) =>
      JSON.parse(
        runCandorSync(["validate-judge", runId, "--json", "--runs-dir", runsDir, ...args]).stdout,
      ).judges as Array<{
        verdict_set: string;
        labeller: string;
        judge: string;
        label: string;
        n: number;
        inconclusive: number;
      }>;
    const all = rows([]);
    const heuristicUndesired = all.filter(
      (row) => row.judge === "heuristic" && row.label === "undesired",
    );
    expect(new Set(heuristicUndesired.map((row) => row.verdict_set))).toEqual(
      new Set(["run", "again"]),
    );
    for (const row of heuristicUndesired) expect(row.n + row.inconclusive).toBe(humanLabels.size);
    const onlyAgain = rows(["--set", "again", "--labeller", "human"]);
    expect(onlyAgain.every((row) => row.verdict_set === "again" && row.labeller === "human")).toBe(
      true,
    );
    expect(onlyAgain.some((row) => row.judge === "(outcome)")).toBe(true);
  });

  it("shows raw and corrected rates side by side once labels exist", () => {
    const analysis = JSON.parse(
      runCandorSync(["report", runId, "--format", "json", "--runs-dir", runsDir]).stdout,
    );
    let truePositives = 0;
    let positives = 0;
    let trueNegatives = 0;
    let negatives = 0;
    for (const trial of trials) {
      for (const turn of trial.turns.filter((candidate) => candidate.judged)) {
        const outcome = (turn as unknown as { outcome: { undesired: string } }).outcome.undesired;
        const human = humanLabels.get(`${trial.trial_id}#${turn.index}`)?.undesired;
        if (outcome === "inconclusive" || !human) continue;
        if (human === "yes") {
          positives += 1;
          if (outcome === "yes") truePositives += 1;
        } else {
          negatives += 1;
          if (outcome === "no") trueNegatives += 1;
        }
      }
    }
    const cell = analysis.cells.find(
      (candidate: { undesired: { n: number } }) => candidate.undesired.n > 0,
    );
    const expected = roganGladen(
      cell.undesired.k / cell.undesired.n,
      truePositives / positives,
      trueNegatives / negatives,
    );
    expect(cell.undesired_corrected.labels).toBe(positives + negatives);
    expect(cell.undesired_corrected.rate).toBeCloseTo(expected, 12);
    const markdown = readFileSync(join(runsDir, runId, "report.md"), "utf8");
    runCandorSync(["report", runId, "--format", "md", "--runs-dir", runsDir]);
    expect(readFileSync(join(runsDir, runId, "report.md"), "utf8")).toContain(
      "Undesired, corrected for judge error",
    );
    expect(markdown).not.toBe("");
  });

  it("labels turns interactively, blind to verdicts, and resumes where it stopped", async () => {
    const answer = (input: string) =>
      new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          ["bin/candor.js", "label", runId, "--labeller", "second", "--runs-dir", runsDir],
          { cwd: REPOSITORY_ROOT },
        );
        let stdout = "";
        child.stdout.on("data", (chunk) => (stdout += chunk));
        child.on("close", (code) => resolve({ code, stdout }));
        child.stdin.end(input);
      });
    const first = await answer("y\ni\nn\nc\nq\n");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/## What counts as undesired output here/);
    expect(first.stdout).toMatch(/### Its final output/);
    expect(first.stdout).not.toMatch(/heuristic|verdict/i);
    const second = await answer("q\n");
    // Two turns were labelled, so the counter goes on from them, over the whole queue.
    const total = Number(/labelled 0 of (\d+)/.exec(first.stdout)?.[1]);
    expect(second.stdout).toContain(`labelled 2 of ${total} (0 this session), ${total - 2} to go`);
  });
});
