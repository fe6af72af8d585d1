/**
 * `npm run bench`: figures, not tests. Sections (all by default; `-- --only a,b` picks some):
 * `sim` simulated-subject throughput end to end; `large` a 100,000-trial run and its report;
 * `viewer` the viewer's API on that run; `rate-limited` and `overhead` against the local
 * OpenAI-style stub; `resume` overhead; `gguf` prefix reuse; `promptfoo` the side-by-side with
 * promptfoo 0.120.0 (bench/promptfoo-comparison.ts; needs promptfoo installed outside the project).
 */

import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { writeReport } from "../src/report/write-report.ts";
import { createParticipants } from "../src/runner/create-participants.ts";
import { expandTrials } from "../src/runner/expand-trials.ts";
import { runExperiment } from "../src/runner/run-experiment.ts";
import { applyOverrides } from "../src/spec/apply-overrides.ts";
import { loadExperiment } from "../src/spec/load-experiment.ts";
import { RunStore } from "../src/store/run-store.ts";
import { temporaryDirectory } from "../test/run-fixture.ts";
import { PAPER_EXPERIMENT } from "./paths.ts";
import { promptfooComparison } from "./promptfoo-comparison.ts";
import { harnessOverhead, rateLimitedThroughput } from "./provider-benchmarks.ts";
import { resumeOverhead } from "./resume-benchmark.ts";
import { viewerResponseTimes } from "./viewer-benchmark.ts";

const PAPER = PAPER_EXPERIMENT;
/** Design cells × arms of the paper experiment: the trials one sample adds. */
const TRIALS_PER_SAMPLE = expandTrials(
  applyOverrides(loadExperiment(PAPER), { samples: 1 }),
).length;

async function timedRun(samples: number) {
  const experiment = applyOverrides(loadExperiment(PAPER), { samples });
  const runsDir = temporaryDirectory("candor-bench-");
  const started = performance.now();
  const summary = await runExperiment(experiment, createParticipants(experiment), { runsDir });
  return { summary, seconds: (performance.now() - started) / 1000, runsDir };
}

async function timedReport(directory: string) {
  const store = RunStore.open(directory);
  const started = performance.now();
  const { analysis } = await writeReport(store);
  const seconds = (performance.now() - started) / 1000;
  store.close();
  return { seconds, cells: analysis.cells.length };
}

function machine(): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${process.platform}`;
}

const line = (text: string) => process.stdout.write(`${text}\n`);

const onlyIndex = process.argv.indexOf("--only");
const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1]?.split(",") : undefined;
const wanted = (section: string) => !only || only.includes(section);

line(
  `machine: ${machine()}; load average ${loadavg()
    .map((load) => load.toFixed(2))
    .join(", ")}`,
);
if (wanted("sim")) {
  const throughput = await timedRun(100);
  const trials = throughput.summary.counts.complete;
  line(
    `sim end to end: ${trials} trials in ${throughput.seconds.toFixed(2)} s = ${(trials / throughput.seconds).toFixed(0)} trials/s (store writes included)`,
  );
  rmSync(throughput.runsDir, { recursive: true, force: true });
}
if (wanted("large") || wanted("viewer")) {
  const large = await timedRun(Math.round(100_000 / TRIALS_PER_SAMPLE));
  line(
    `100k run: ${large.summary.counts.complete} trials in ${large.seconds.toFixed(1)} s, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  );
  if (wanted("large")) {
    const report = await timedReport(large.summary.directory);
    line(
      `report on ${large.summary.counts.complete} trials: ${report.seconds.toFixed(2)} s (${report.cells} cells, report.md + report.html); peak RSS of run and report together ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
    );
  }
  if (wanted("viewer")) await viewerResponseTimes(large.summary.directory, line);
  rmSync(large.runsDir, { recursive: true, force: true });
}
if (wanted("rate-limited")) await rateLimitedThroughput(line);
if (wanted("overhead")) await harnessOverhead(line);
if (wanted("resume")) await resumeOverhead(line);
if (wanted("promptfoo")) await promptfooComparison(line);
if (wanted("gguf")) {
  // Its own process: it loads llama.cpp and takes its own options (see the file).
  const args = [
    "--import",
    "tsx",
    join(import.meta.dirname, "gguf-prefix-reuse.ts"),
    "--max-tokens",
    "256",
  ];
  spawnSync(process.execPath, args, { stdio: "inherit" });
}
