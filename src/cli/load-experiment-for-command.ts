import type { Command } from "commander";
import { BatchLedger } from "../providers/batch/batch-ledger.ts";
import { CallMonitor } from "../providers/call-monitor.ts";
import { Semaphore } from "../providers/middleware/adaptive-concurrency.ts";
import { DEFAULT_CACHE_DIR } from "../providers/middleware/with-response-cache.ts";
import type { ModelEnvironment } from "../providers/model-environment.ts";
import { createParticipants, type Participants } from "../runner/create-participants.ts";
import { applyOverrides, type ExperimentOverrides } from "../spec/apply-overrides.ts";
import { type LoadedExperiment, loadExperiment } from "../spec/load-experiment.ts";
import { baseUrl, collect, concurrencyLimit, loadDotEnv, wholeNumber } from "./options.ts";

export interface ExperimentOptions {
  subject?: string[];
  judge?: string[];
  pressurer?: string;
  scenario?: string[];
  samples?: number;
  seed?: number;
  maxTokens?: number;
  baseUrl?: string;
  maxConcurrency?: number;
  /** `--batch`: openai: and anthropic: models go through their provider's batch API. */
  batch?: boolean;
  /** false with `--no-cache`. */
  cache?: boolean;
  cacheDir?: string;
}

/** Loads, overrides and instantiates everything an experiment needs, writing nothing. */
export function prepareExperiment(
  file: string,
  options: ExperimentOptions,
  purpose: "run" | "plan" = "run",
): { experiment: LoadedExperiment; participants: Participants; environment: ModelEnvironment } {
  const overrides: ExperimentOverrides = {
    ...(options.subject ? { subjects: options.subject } : {}),
    ...(options.judge ? { judges: options.judge } : {}),
    ...(options.pressurer ? { pressurer: options.pressurer } : {}),
    ...(options.scenario ? { scenarios: options.scenario } : {}),
    ...(options.samples !== undefined ? { samples: options.samples } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
    ...(options.batch ? { batch: true } : {}),
  };
  const experiment = applyOverrides(loadExperiment(file), overrides);
  const overridden = {
    ...(options.subject ? { subjects: "--subject" } : {}),
    ...(options.judge ? { judges: "--judge" } : {}),
    ...(options.pressurer ? { pressurer: "--pressurer" } : {}),
  };
  const environment =
    purpose === "plan"
      ? { ...modelEnvironment(experiment, options), planning: true, cacheDir: null }
      : modelEnvironment(experiment, options);
  const participants = createParticipants(experiment, overridden, environment);
  return { experiment, participants, environment };
}

/** Keys and base URLs from the environment (a `.env` file in the working directory fills gaps). */
export function modelEnvironment(
  experiment: LoadedExperiment,
  options: ExperimentOptions,
): ModelEnvironment {
  loadDotEnv();
  return {
    env: process.env,
    settings: experiment.spec.models,
    ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
    cacheDir:
      options.cache === false
        ? null
        : (options.cacheDir ?? process.env.CANDOR_CACHE_DIR ?? DEFAULT_CACHE_DIR),
    ...(options.maxConcurrency ? { globalLimit: new Semaphore(options.maxConcurrency) } : {}),
    endpointLimits: new Map(),
    callMonitor: new CallMonitor(),
    batchLedger: new BatchLedger(),
  };
}

export function addExperimentOptions<T extends Command>(command: T): T {
  return command
    .option("--subject <spec>", "subject model, replaces the experiment's (repeatable)", collect)
    .option(
      "--judge <spec>",
      "judge: heuristic or a model spec; replaces the experiment's (repeatable)",
      collect,
    )
    .option(
      "--pressurer <spec>",
      "model that writes user turns at pressurer follow-ups; replaces the experiment's",
    )
    .option("--scenario <id>", "run only this scenario (repeatable)", collect)
    .option("--samples <n>", "samples per design cell", wholeNumber)
    .option("--seed <n>", "experiment seed", wholeNumber)
    .option("--max-tokens <n>", "maximum tokens per model turn", wholeNumber)
    .option(
      "--base-url <url>",
      "server for openai, openai-compatible and ollama models without a base_url of their own",
      baseUrl,
    )
    .option(
      "--max-concurrency <n>",
      "model calls in flight at once, across all providers",
      concurrencyLimit,
    )
    .option(
      "--batch",
      "send openai: and anthropic: calls through the provider's batch API, at the batch price",
    )
    .option("--no-cache", "neither read nor write the response cache")
    .option(
      "--cache-dir <dir>",
      `response cache directory (default ${DEFAULT_CACHE_DIR} or $CANDOR_CACHE_DIR)`,
    );
}
