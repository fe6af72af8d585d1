/** Resume overhead: a run stopped half-way and resumed, against the same run done in one go. */
import { createParticipants } from "../src/runner/create-participants.ts";
import { resumeRun, runExperiment } from "../src/runner/run-experiment.ts";
import { applyOverrides } from "../src/spec/apply-overrides.ts";
import type { LoadedExperiment } from "../src/spec/load-experiment.ts";
import { loadExperiment } from "../src/spec/load-experiment.ts";
import { loadRunExperiment } from "../src/store/load-run-experiment.ts";
import { RunStore } from "../src/store/run-store.ts";
import { temporaryDirectory } from "../test/run-fixture.ts";
import { PAPER_EXPERIMENT } from "./paths.ts";

async function straightRun(experiment: LoadedExperiment): Promise<number> {
  const started = performance.now();
  await runExperiment(experiment, createParticipants(experiment), {
    runsDir: temporaryDirectory("candor-bench-"),
  });
  return (performance.now() - started) / 1000;
}

async function stoppedAndResumed(experiment: LoadedExperiment): Promise<number> {
  const controller = new AbortController();
  const started = performance.now();
  const first = await runExperiment(experiment, createParticipants(experiment), {
    runsDir: temporaryDirectory("candor-bench-"),
    signal: controller.signal,
    onTrialDone: (_result, progress) => {
      if (progress.done >= progress.total / 2) controller.abort();
    },
  });
  const store = RunStore.open(first.directory);
  const stored = loadRunExperiment(store);
  await resumeRun(store, stored, createParticipants(stored), { runsDir: "" });
  store.close();
  return (performance.now() - started) / 1000;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** Alternates the two, after a warm-up, and compares medians: the machine's noise is of the same order. */
export async function resumeOverhead(
  line: (text: string) => void,
  samples = 100,
  repeats = 5,
): Promise<void> {
  const experiment = applyOverrides(loadExperiment(PAPER_EXPERIMENT), { samples });
  await straightRun(experiment);
  const straight: number[] = [];
  const resumed: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    straight.push(await straightRun(experiment));
    resumed.push(await stoppedAndResumed(experiment));
  }
  line(
    `resume: ${samples * 40} trials, median of ${repeats}: straight ${median(straight).toFixed(2)} s, stopped half-way and resumed ${median(resumed).toFixed(2)} s, overhead ${(median(resumed) - median(straight)).toFixed(2)} s`,
  );
}
