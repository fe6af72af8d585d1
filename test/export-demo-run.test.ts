/**
 * The demo run exported for other tools: an Inspect eval log that Inspect's own schema accepts,
 * and the judged-turn table (Parquet and CSV) whose counts are the report's cells.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { beforeAll, describe, expect, it } from "vitest";
import type { Cell } from "../src/report/analysis-types.ts";
import { inspectLogErrors } from "./export-inspect-validator.ts";
import { REPOSITORY_ROOT, reportJson, runCandorSync, temporaryDirectory } from "./run-fixture.ts";

type Row = Record<string, unknown>;

/** The CLI's stdout as bytes (Parquet is binary). */
function exportBytes(args: string[]): Buffer {
  const result = spawnSync(process.execPath, ["bin/candor.js", "export", ...args], {
    cwd: REPOSITORY_ROOT,
    maxBuffer: 1 << 30,
  });
  if (result.status !== 0) throw new Error(result.stderr.toString());
  return result.stdout;
}

/** A design cell's identity, whatever order its factors are listed in. */
const cellKey = (
  subject: unknown,
  scenario: unknown,
  factors: Record<string, unknown>,
  arm: unknown,
  followup: unknown,
) => JSON.stringify([subject, scenario, Object.entries(factors).sort(), arm, followup]);

describe("exports of the demo run", () => {
  const runsDir = temporaryDirectory();
  let runId: string;
  let cells: Cell[];
  let rows: Row[];
  let bytes: Buffer;

  beforeAll(async () => {
    const demo = runCandorSync(["demo", "--runs-dir", runsDir]);
    expect(demo.code, demo.stderr).toBe(0);
    runId = readdirSync(runsDir)[0] as string;
    cells = reportJson(runId, runsDir).cells;
    bytes = exportBytes([runId, "--format", "parquet", "--runs-dir", runsDir]);
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
    rows = (await parquetReadObjects({ file })) as Row[];
  });

  it("writes an Inspect eval log that validates against Inspect's log schema", () => {
    const result = runCandorSync(["export", runId, "--format", "inspect", "--runs-dir", runsDir]);
    expect(result.code, result.stderr).toBe(0);
    const log = JSON.parse(result.stdout);
    expect(inspectLogErrors(log)).toEqual([]);
    expect(log).toMatchObject({ version: 2, status: "success" });
    expect(log.eval).toMatchObject({ task: "paper", model: "sim:default", run_id: runId });
    expect(log.samples).toHaveLength(960);
    // The headline rate of a metric is the report's cells pooled over the subject's scenarios.
    const rebuttal = cells.filter((cell) => cell.arm === "rebuttal" && cell.followup === 1);
    const k = rebuttal.reduce((sum, cell) => sum + cell.undesired.k, 0);
    const n = rebuttal.reduce((sum, cell) => sum + cell.undesired.n, 0);
    const score = log.results.scores.find((entry: Row) => entry.name === "followup_1");
    expect(score.metrics.undesired_rebuttal.value).toBeCloseTo(k / n, 12);
    expect(score.metrics.undesired_rebuttal.metadata).toMatchObject({ k, n });
  });

  it("the validator rejects a log that breaks Inspect's schema", () => {
    const result = runCandorSync(["export", runId, "--format", "inspect", "--runs-dir", runsDir]);
    const log = JSON.parse(result.stdout);
    delete log.eval.task;
    log.samples[0].messages[0].role = "narrator";
    expect(inspectLogErrors(log).length).toBeGreaterThan(0);
  });

  it("reads the Parquet table back with typed columns", () => {
    const schema = parquetMetadata(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
    ).schema;
    const typeOf = (name: string) => schema.find((element) => element.name === name)?.type;
    expect(typeOf("sample")).toBe("INT32");
    expect(typeOf("followup")).toBe("INT32");
    expect(typeOf("undesired")).toBe("BOOLEAN");
    expect(typeOf("deception")).toBe("BOOLEAN");
    expect(typeOf("judge_heuristic_undesired")).toBe("BOOLEAN");
    expect(typeOf("cost_usd")).toBe("DOUBLE");
    expect(typeOf("factor_attribute")).toBe("BYTE_ARRAY");
    expect(rows[0]).toMatchObject({ run_id: runId, subject: "sim:default", simulated: true });
    expect(typeof rows[0]?.sample).toBe("number");
    expect(new Set(rows.map((row) => typeof row.undesired))).toEqual(
      new Set(["boolean", "object"]),
    );
    expect(rows.some((row) => row.undesired === null)).toBe(true);
  });

  it("has one row per judged turn, and its counts are the report's cells", () => {
    expect(rows).toHaveLength(cells.reduce((sum, cell) => sum + cell.trials, 0));
    expect(rows.some((row) => row.followup === 0)).toBe(true);
    const factorColumns = Object.keys(rows[0] ?? {}).filter((name) => name.startsWith("factor_"));
    const byCell = new Map<string, Row[]>();
    for (const row of rows) {
      const factors = Object.fromEntries(
        factorColumns
          .filter((column) => row[column] !== null)
          .map((column) => [column.slice("factor_".length), row[column]]),
      );
      const key = cellKey(row.subject, row.scenario, factors, row.arm, row.followup);
      byCell.set(key, [...(byCell.get(key) ?? []), row]);
    }
    expect(byCell.size).toBe(cells.length);
    for (const cell of cells) {
      const cellRows =
        byCell.get(cellKey(cell.subject, cell.scenario, cell.factors, cell.arm, cell.followup)) ??
        [];
      expect(cellRows).toHaveLength(cell.trials);
      for (const metric of ["undesired", "deception", "missing_reasoning"] as const) {
        const values = cellRows.map((row) => row[metric]);
        expect(values.filter((value) => value === true)).toHaveLength(cell[metric].k);
        expect(values.filter((value) => value !== null)).toHaveLength(cell[metric].n);
        expect(values.filter((value) => value === null)).toHaveLength(cell[metric].inconclusive);
      }
    }
  });

  it("writes the same table as CSV, one row per judged turn", () => {
    const csv = runCandorSync(["export", runId, "--format", "csv", "--runs-dir", runsDir]);
    expect(csv.code, csv.stderr).toBe(0);
    const records = parse(csv.stdout, { columns: true }) as Array<Record<string, string>>;
    expect(records).toHaveLength(rows.length);
    expect(Object.keys(records[0] ?? {})).toEqual(Object.keys(rows[0] ?? {}));
    expect(records.filter((record) => record.undesired === "true")).toHaveLength(
      rows.filter((row) => row.undesired === true).length,
    );
    expect(records.filter((record) => record.undesired === "")).toHaveLength(
      rows.filter((row) => row.undesired === null).length,
    );
  });

  it("still exports one record per trial as jsonl", () => {
    const jsonl = runCandorSync(["export", runId, "--format", "jsonl", "--runs-dir", runsDir]);
    const lines = jsonl.stdout.trim().split("\n");
    expect(lines).toHaveLength(960);
    expect(JSON.parse(lines[0] as string)).toHaveProperty("turns");
  });

  it("names the Inspect log as Inspect names its own, so inspect view lists it", () => {
    const out = join(temporaryDirectory(), "logs");
    const result = runCandorSync([
      "export",
      runId,
      "--format",
      "inspect",
      "--out",
      out,
      "--runs-dir",
      runsDir,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const [file] = readdirSync(out);
    expect(file).toMatch(
      /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\+00-00_paper_[A-Za-z0-9]{22}\.json$/,
    );
    expect(result.stdout.trim()).toBe(join(out, file as string));
  });
});
