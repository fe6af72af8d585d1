/**
 * `npx tsx bench/gguf-prefix-reuse.ts [--samples N] [--max-tokens N] [--preset NAME]`: plays the
 * bundled paper experiment against a random-weight GGUF (tiny-test by default) and counts the
 * prompt tokens llama.cpp evaluates per trial
 *   - reusing every shared token (`prefixReuse: "all"`) or only whole batches of the previous
 *     prompt (`"reproducible"`), with trials one at a time (arms of a sample and follow-ups share
 *     prefixes) or 16 in flight (the runner's default concurrency interleaves them),
 *   - without reuse (a fresh context for every call),
 * and how many generated texts equal those of the fresh evaluation (same seeds).
 * Token counts do not depend on the weights; times do (and on the machine's load). Not a test.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { GgufLanguageModel, type PrefixReuse } from "../src/providers/gguf/gguf-language-model.ts";
import { closeAllGgufModels } from "../src/providers/gguf/load-gguf-model.ts";
import {
  RANDOM_GGUF_PRESETS,
  type RandomGgufPreset,
  writeRandomGguf,
} from "../src/providers/gguf/write-random-gguf.ts";
import { expandTrials, type TrialPlan } from "../src/runner/expand-trials.ts";
import { runTrial } from "../src/runner/run-trial.ts";
import { applyOverrides } from "../src/spec/apply-overrides.ts";
import type { GenerateRequest, LanguageModel } from "../src/spec/language-model.ts";
import { type LoadedExperiment, loadExperiment } from "../src/spec/load-experiment.ts";

const PAPER = join(import.meta.dirname, "../experiments/paper.yaml");

interface CallRecord {
  /** The call's place in the experiment, the same in every mode. */
  key: string;
  text: string;
  promptTokens: number;
  evaluatedPromptTokens: number;
  outputTokens: number;
}

interface Mode {
  name: string;
  concurrency: number;
  prefixReuse: PrefixReuse | "none";
}

const MODES: Mode[] = [
  { name: "reuse all, 1 trial at a time", concurrency: 1, prefixReuse: "all" },
  { name: "reuse all, 16 trials in flight", concurrency: 16, prefixReuse: "all" },
  { name: "reproducible, 1 trial at a time", concurrency: 1, prefixReuse: "reproducible" },
  { name: "reproducible, 16 trials in flight", concurrency: 16, prefixReuse: "reproducible" },
  { name: "no reuse (fresh context per call)", concurrency: 1, prefixReuse: "none" },
];

/** Wraps the model to record each call's token counts; optionally drops its context after each. */
function recordingSubject(model: GgufLanguageModel, mode: Mode, calls: CallRecord[]) {
  const subject: LanguageModel = {
    spec: model.spec,
    simulated: false,
    async generate(request: GenerateRequest) {
      const result = await model.generate(request);
      const metadata = result.metadata as { promptTokens: number; evaluatedPromptTokens: number };
      calls.push({
        key: callKey(request),
        text: result.text,
        promptTokens: metadata.promptTokens,
        evaluatedPromptTokens: metadata.evaluatedPromptTokens,
        outputTokens: result.usage.outputTokens,
      });
      if (mode.prefixReuse === "none") await model.close();
      return result;
    },
  };
  return subject;
}

function callKey(request: GenerateRequest): string {
  const context = request.context;
  return JSON.stringify([request.seed, context?.scenarioId, context?.stepId, context?.arm]);
}

async function runMode(experiment: LoadedExperiment, modelPath: string, mode: Mode) {
  const spec = `gguf:${modelPath}`;
  const model = new GgufLanguageModel(spec, modelPath, {
    contextSize: 8192,
    threads: 1,
    prefixReuse: mode.prefixReuse === "reproducible" ? "reproducible" : "all",
  });
  const calls: CallRecord[] = [];
  const subject = recordingSubject(model, mode, calls);
  const scenarios = new Map(experiment.scenarios.map((s) => [s.loaded.spec.id, s]));
  const plans = expandTrials(experiment);
  let next = 0;
  let errors = 0;
  const worker = async () => {
    while (next < plans.length) {
      const plan = plans[next++] as TrialPlan;
      const scenario = scenarios.get(plan.scenarioId);
      if (!scenario) throw new Error(`unknown scenario ${plan.scenarioId}`);
      const result = await runTrial(plan, {
        scenario,
        subject,
        judges: [],
        settings: experiment.spec,
        design: experiment.design,
      });
      if (result.status === "error") errors += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: mode.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  await model.close();
  return { calls, trials: plans.length, errors, seconds };
}

/** Same seed, same conversation: does the text depend on how much of the prompt was cached? */
function identicalTexts(calls: readonly CallRecord[], reference: readonly CallRecord[]): string {
  const expected = new Map(reference.map((call) => [call.key, call.text]));
  const same = calls.filter((call) => expected.get(call.key) === call.text).length;
  return `${same}/${calls.length} texts as without reuse`;
}

function sum(
  calls: readonly CallRecord[],
  key: "promptTokens" | "evaluatedPromptTokens" | "outputTokens",
): number {
  return calls.reduce((total, call) => total + call[key], 0);
}

function report(mode: Mode, outcome: Awaited<ReturnType<typeof runMode>>): string {
  const { calls, trials, errors, seconds } = outcome;
  const prompt = sum(calls, "promptTokens");
  const evaluated = sum(calls, "evaluatedPromptTokens");
  const perTrial = (value: number) => (value / trials).toFixed(0).padStart(6);
  return [
    mode.name.padEnd(36),
    `${calls.length} calls`,
    `prompt/trial ${perTrial(prompt)}`,
    `evaluated/trial ${perTrial(evaluated)}`,
    `(${((100 * evaluated) / prompt).toFixed(1)}%)`,
    `generated/trial ${perTrial(sum(calls, "outputTokens"))}`,
    `${seconds.toFixed(1)} s`,
    errors > 0 ? `${errors} errored trials` : "",
  ].join("  ");
}

async function main() {
  const { values } = parseArgs({
    options: {
      samples: { type: "string", default: "1" },
      "max-tokens": { type: "string", default: "64" },
      preset: { type: "string", default: "tiny-test" },
    },
  });
  const preset = values.preset as RandomGgufPreset;
  if (!RANDOM_GGUF_PRESETS.includes(preset)) throw new Error(`unknown preset ${preset}`);
  const directory = mkdtempSync(join(tmpdir(), "candor-gguf-bench-"));
  try {
    const { path, parameters } = await writeRandomGguf(join(directory, `${preset}.gguf`), {
      preset,
    });
    const experiment = applyOverrides(loadExperiment(PAPER), {
      samples: Number(values.samples),
      maxTokens: Number(values["max-tokens"]),
      subjects: [`gguf:${path}`],
    });
    const line = (text: string) => process.stdout.write(`${text}\n`);
    line(
      `paper experiment, ${preset} (${(parameters / 1e6).toFixed(2)}M random weights), samples ${values.samples}, max_tokens ${values["max-tokens"]}, 1 thread`,
    );
    const outcomes = [];
    for (const mode of MODES) {
      const outcome = await runMode(experiment, path, mode);
      outcomes.push(outcome);
      line(report(mode, outcome));
    }
    const reference = outcomes[outcomes.length - 1]?.calls ?? [];
    for (const [index, outcome] of outcomes.slice(0, -1).entries()) {
      line(`${MODES[index]?.name}: ${identicalTexts(outcome.calls, reference)}`);
    }
  } finally {
    await closeAllGgufModels();
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
