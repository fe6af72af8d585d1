import { basename } from "node:path";
import { usageSummary } from "../report/usage-summary.ts";
import type { ModelSettings } from "../spec/experiment.ts";
import { humanLabelCount } from "../store/human-labels.ts";
import { readRunStop } from "../store/run-stop.ts";
import { RUN_VERDICT_SET, type RunStore } from "../store/run-store.ts";
import { verdictSetCoverage, verdictSetJudges, verdictSets } from "../store/write-verdict-set.ts";
import type { RunSummary } from "./api-types.ts";

/**
 * What the runs list shows of a run. Its id is the directory's name, which is how the viewer
 * opens it: a copied or renamed run directory is its own run.
 */
export function summarizeRun(store: RunStore): RunSummary {
  const metadata = store.metadata();
  const settings = (metadata.experiment as { models?: Record<string, ModelSettings> }).models ?? {};
  const costs = usageSummary(store.database, settings).map((usage) => usage.costUsd);
  return {
    runId: basename(store.directory),
    title: metadata.title,
    experimentId: metadata.experimentId,
    createdAt: metadata.createdAt,
    subjects: metadata.subjects,
    design: designOf(metadata.experiment),
    verdictSets: verdictSets(store.database).map(({ verdictSet, turns }) => ({
      name: verdictSet,
      turns,
      coverage: coverageOf(store, verdictSet),
      judges:
        verdictSet === RUN_VERDICT_SET
          ? metadata.judges
          : verdictSetJudges(store.database, verdictSet),
    })),
    simulated: metadata.simulated,
    status: store.statusCounts(),
    costUsd: costs.includes(null)
      ? null
      : costs.reduce<number>((sum, cost) => sum + (cost as number), 0),
    humanLabels: humanLabelCount(store.database),
    stop: readRunStop(store.database),
  };
}

function coverageOf(
  store: RunStore,
  verdictSet: string,
): RunSummary["verdictSets"][number]["coverage"] {
  const { trials, of, complete } = verdictSetCoverage(store.database, verdictSet, RUN_VERDICT_SET);
  return { trials, of, complete };
}

/** Read leniently: a run made by an older candor may lack a field, and still lists. */
function designOf(experiment: unknown): RunSummary["design"] {
  const spec = (experiment ?? {}) as {
    scenarios?: Array<string | { id?: string }>;
    arms?: string[];
    samples?: number;
  };
  return {
    scenarios: (spec.scenarios ?? []).map((entry) =>
      typeof entry === "string" ? entry : String(entry.id),
    ),
    arms: spec.arms ?? [],
    samples: typeof spec.samples === "number" ? spec.samples : null,
  };
}
