import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { temporaryDirectory } from "../../../test/run-fixture.ts";
import { applyOverrides } from "../../spec/apply-overrides.ts";
import { InputError } from "../../spec/input-error.ts";
import { loadExperiment } from "../../spec/load-experiment.ts";
import { priceOf } from "../price-table.ts";
import { BatchLedger } from "./batch-ledger.ts";
import { BATCH_TRIALS_IN_FLIGHT, batchRunOptions } from "./batch-run-options.ts";

const PAPER = "experiments/paper.yaml";

describe("--batch", () => {
  it("marks every openai: and anthropic: model batched, so the run records it and pays the batch price", () => {
    const experiment = applyOverrides(loadExperiment(PAPER), {
      subjects: ["openai:gpt-4o-mini", "ollama:llama3"],
      judges: ["anthropic:claude-3-5-haiku-latest", "heuristic"],
      batch: true,
    });
    const models = experiment.spec.models;
    expect(models["openai:gpt-4o-mini"]?.batch).toBe(true);
    expect(models["anthropic:claude-3-5-haiku-latest"]?.batch).toBe(true);
    expect(models["ollama:llama3"]?.batch).toBeUndefined();
    const standard = priceOf("openai:gpt-4o-mini");
    expect(priceOf("openai:gpt-4o-mini", models["openai:gpt-4o-mini"])).toEqual({
      inputPerMillion: (standard?.inputPerMillion ?? 0) / 2,
      outputPerMillion: (standard?.outputPerMillion ?? 0) / 2,
    });
  });

  it("is bad input when no model has a batch API, naming the flag", () => {
    const refused = () => applyOverrides(loadExperiment(PAPER), { batch: true });
    expect(refused).toThrow(InputError);
    expect(refused).toThrow(/--batch.*no openai: or anthropic: model/);
  });
});

describe("batchRunOptions", () => {
  it("keeps every trial in flight and attaches the ledger to the run directory", async () => {
    const directories: string[] = [];
    const ledger = new BatchLedger();
    const options = batchRunOptions({ "openai:m": { batch: true } }, ledger, {
      runsDir: "runs",
      onRunDirectory: (directory) => directories.push(directory),
    });
    expect(options.concurrency).toBe(BATCH_TRIALS_IN_FLIGHT);
    expect(ledger.attached).toBe(false);
    const directory = temporaryDirectory();
    new Database(join(directory, "run.sqlite")).close();
    options.onRunDirectory?.(directory);
    expect(directories).toEqual([directory]);
    expect(ledger.attached).toBe(true);
    // A new run holds no earlier batches.
    expect(await ledger.earlierBatchOf("openai", "http://127.0.0.1/v1", "a".repeat(64))).toBe(
      undefined,
    );
  });

  it("leaves a run without batch models as it was", () => {
    const given = { runsDir: "runs" };
    expect(batchRunOptions({ "openai:m": { batch: false } }, new BatchLedger(), given)).toBe(given);
  });
});
