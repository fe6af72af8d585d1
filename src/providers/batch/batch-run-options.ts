import type { RunOptions } from "../../runner/run-experiment.ts";
import type { ModelSettings } from "../../spec/experiment.ts";
import type { BatchLedger } from "./batch-ledger.ts";

/**
 * Trials in flight in a run with a batch model: every pending trial (up to this many) is started at
 * once, so each round of the run (all trials' next call) gathers into one batch.
 */
export const BATCH_TRIALS_IN_FLIGHT = 10_000;

/**
 * The run options of a run where some model batches: all trials in flight, and the run's batch
 * ledger attached to the run directory as soon as it exists. Other runs' options are unchanged.
 */
export function batchRunOptions(
  models: Readonly<Record<string, ModelSettings>>,
  ledger: BatchLedger | undefined,
  options: RunOptions,
): RunOptions {
  const batching = Object.values(models).some((settings) => settings.batch === true);
  if (!batching) return options;
  return {
    ...options,
    concurrency: options.concurrency ?? BATCH_TRIALS_IN_FLIGHT,
    onRunDirectory: (directory) => {
      options.onRunDirectory?.(directory);
      ledger?.attach(directory);
    },
  };
}
