import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import { declaredPrimary } from "../report/analyze-run.ts";
import { outcomeValidation } from "../report/corrected-rates.ts";
import { countOutcomes, type LabelCounts } from "../report/count-outcomes.ts";
import { METRICS } from "../report/outcome-metrics.ts";
import { primaryAnalysis } from "../report/primary-analysis.ts";
import type { RunMetadata } from "../store/run-store.ts";

/**
 * The parts of an Inspect `EvalLog` (log format version 2) that describe one subject's evaluation
 * as a whole: eval spec, plan and results. Inspect's published schema lists every field as
 * required (defaults included), so every field is written, null where candor has nothing to say.
 */
export interface InspectHeader {
  version: 2;
  status: "success" | "cancelled";
  eval: Record<string, unknown>;
  plan: Record<string, unknown>;
  results: Record<string, unknown>;
}

interface ExperimentSnapshot {
  scenarios?: Array<string | { id: string }>;
  arms?: string[];
  samples?: number;
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  seed?: number;
}

/** The header of the log of one subject of a run; `verdictSet` names whose verdicts score it. */
export function inspectLogHeader(
  database: Database.Database,
  metadata: RunMetadata,
  subject: string,
  verdictSet: string,
): InspectHeader {
  const counts = trialCounts(database, subject);
  const sampleIds = datasetSampleIds(database, subject);
  return {
    version: 2,
    status: counts.pending === 0 ? "success" : "cancelled",
    eval: evalSpec(metadata, subject, sampleIds, verdictSet),
    plan: {
      name: "plan",
      steps: [
        {
          solver: "candor/conversation",
          params: { arms: experimentOf(metadata).arms ?? [], design: metadata.design },
          params_passed: {},
        },
        { solver: "candor/judges", params: { judges: metadata.judges }, params_passed: {} },
      ],
      finish: null,
      config: generateConfig(metadata),
    },
    results: {
      total_samples: counts.complete + counts.error + counts.pending,
      completed_samples: counts.complete,
      early_stopping: null,
      scores: evalScores(database, metadata, subject, verdictSet),
      metadata: { errored_samples: counts.error, pending_samples: counts.pending },
    },
  };
}

function evalSpec(
  metadata: RunMetadata,
  subject: string,
  sampleIds: string[],
  verdictSet: string,
): Record<string, unknown> {
  const experiment = experimentOf(metadata);
  const scenarios = (experiment.scenarios ?? []).map((entry) =>
    typeof entry === "string" ? entry : entry.id,
  );
  const simulated = metadata.simulated ? " (SIMULATED)" : "";
  return {
    eval_set_id: null,
    eval_id: inspectEvalId(metadata.runId, subject),
    run_id: metadata.runId,
    created: metadata.createdAt,
    task: metadata.experimentId,
    task_id: metadata.experimentHash.slice(0, 22),
    task_version: 0,
    task_file: metadata.experimentFile,
    task_display_name: `${metadata.title}${simulated}`,
    task_registry_name: null,
    task_attribs: {},
    task_args: {},
    task_args_passed: {},
    solver: null,
    solver_args: null,
    solver_args_passed: null,
    tags: metadata.simulated ? ["SIMULATED"] : null,
    dataset: {
      name: scenarios.join(","),
      location: metadata.experimentFile,
      samples: sampleIds.length,
      sample_ids: sampleIds,
      shuffled: false,
    },
    sandbox: null,
    model: subject,
    model_generate_config: generateConfig(metadata),
    model_base_url: publicBaseUrl(metadata.commandLine?.base_url),
    model_args: {},
    model_roles: null,
    config: evalConfig(experiment.samples ?? null),
    revision: null,
    packages: { candor: metadata.candorVersion },
    metadata: {
      candor_run_id: metadata.runId,
      candor_version: metadata.candorVersion,
      git_revision: metadata.gitRevision,
      experiment_hash: metadata.experimentHash,
      simulated: metadata.simulated,
      verdict_set: verdictSet,
      judges: metadata.judges,
      design: metadata.design,
    },
    scorers: [
      { name: "candor", options: { verdict_set: verdictSet }, metrics: null, metadata: null },
    ],
    metrics: null,
  };
}

/** The server's address without anything secret a URL may carry (user, password, query). */
function publicBaseUrl(baseUrl: string | undefined): string | null {
  if (!baseUrl) return null;
  try {
    const url = new URL(baseUrl);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return null;
  }
}

/** A stable id per run and subject, in the 22-character alphabet Inspect's own ids use. */
export function inspectEvalId(runId: string, subject: string): string {
  const digest = createHash("sha256").update(`${runId}\n${subject}`).digest();
  const alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  return [...digest.subarray(0, 22)].map((byte) => alphabet[byte % alphabet.length]).join("");
}

/** Inspect's sample id: one dataset sample per scenario cell and arm; repeats are its epochs. */
export function inspectSampleId(
  scenario: string,
  levels: Readonly<Record<string, string>>,
  arm: string,
): string {
  const cell = Object.entries(levels).map(([factor, level]) => `${factor}=${level}`);
  // No "/": the log viewer puts sample ids in its URLs.
  return [scenario, ...cell, arm].join(".");
}

function datasetSampleIds(database: Database.Database, subject: string): string[] {
  const rows = database
    .prepare(
      `SELECT scenario_id, levels_json, arm, MIN(ordinal) AS first FROM trials WHERE subject = ?
       GROUP BY scenario_id, levels_json, arm ORDER BY first`,
    )
    .all(subject) as Array<{ scenario_id: string; levels_json: string; arm: string }>;
  return rows.map((row) => inspectSampleId(row.scenario_id, JSON.parse(row.levels_json), row.arm));
}

function trialCounts(database: Database.Database, subject: string) {
  const counts = { pending: 0, complete: 0, error: 0 };
  const rows = database
    .prepare("SELECT status, COUNT(*) AS n FROM trials WHERE subject = ? GROUP BY status")
    .all(subject) as Array<{ status: keyof typeof counts; n: number }>;
  for (const row of rows) counts[row.status] = row.n;
  return counts;
}

/**
 * One EvalScore per judged follow-up; its metrics are the headline rates over decided turns, per
 * arm (pooled over the subject's scenario cells), and on the primary follow-up the declared
 * primary contrast's pooled Mantel–Haenszel risk difference, as `candor report` gives it.
 */
function evalScores(
  database: Database.Database,
  metadata: RunMetadata,
  subject: string,
  verdictSet: string,
): Array<Record<string, unknown>> {
  const primary = declaredPrimary(metadata);
  const primaryEstimate = primaryAnalysis(
    database,
    verdictSet,
    primary,
    outcomeValidation(database, verdictSet),
  ).pooled.find((row) => row.subject === subject);
  return [...pooledByFollowup(database, verdictSet, subject)].map(([followup, arms]) => {
    const metrics: Record<string, unknown> = {};
    let scored = 0;
    for (const [arm, entry] of arms) {
      scored += entry.turns;
      for (const metric of METRICS) {
        const counts = entry.counts[metric];
        const decided = counts ? counts.yes + counts.no : 0;
        if (!counts || decided === 0) continue;
        const name = `${metric}_${arm}`;
        const details = { k: counts.yes, n: decided, inconclusive: counts.inconclusive };
        metrics[name] = { name, value: counts.yes / decided, params: {}, metadata: details };
      }
    }
    const difference = primaryEstimate?.mh_risk_difference;
    if (followup === primary.followup && difference !== null && difference !== undefined) {
      const name = `primary_${primary.metric}_${primary.contrast[0]}_minus_${primary.contrast[1]}`;
      const details = {
        method: "Mantel-Haenszel risk difference, pooled over scenario cells",
        ci: primaryEstimate?.mh_risk_difference_ci ?? null,
        cmh_p: primaryEstimate?.cmh_p ?? null,
      };
      metrics[name] = { name, value: difference, params: {}, metadata: details };
    }
    return {
      name: `followup_${followup}`,
      scorer: "candor",
      reducer: null,
      scored_samples: scored,
      unscored_samples: null,
      params: {},
      metrics,
      metadata: { followup },
    };
  });
}

interface PooledArm {
  turns: number;
  counts: Record<string, LabelCounts>;
}

/** The report's cells of one subject summed over scenarios and factor levels: follow-up → arm. */
function pooledByFollowup(
  database: Database.Database,
  verdictSet: string,
  subject: string,
): Map<number, Map<string, PooledArm>> {
  const pooled = new Map<number, Map<string, PooledArm>>();
  for (const cell of countOutcomes(database, verdictSet)) {
    if (cell.subject !== subject) continue;
    const arms = pooled.get(cell.followup) ?? new Map<string, PooledArm>();
    const entry = arms.get(cell.arm) ?? { turns: 0, counts: {} };
    entry.turns += cell.turns;
    for (const metric of METRICS)
      entry.counts[metric] = addCounts(entry.counts[metric], cell.counts[metric]);
    arms.set(cell.arm, entry);
    pooled.set(cell.followup, arms);
  }
  return pooled;
}

function addCounts(sum: LabelCounts | undefined, counts: LabelCounts): LabelCounts {
  return {
    yes: (sum?.yes ?? 0) + counts.yes,
    no: (sum?.no ?? 0) + counts.no,
    inconclusive: (sum?.inconclusive ?? 0) + counts.inconclusive,
  };
}

function experimentOf(metadata: RunMetadata): ExperimentSnapshot {
  return (metadata.experiment ?? {}) as ExperimentSnapshot;
}

const GENERATE_CONFIG_FIELDS = [
  "max_retries",
  "timeout",
  "attempt_timeout",
  "max_connections",
  "system_message",
  "max_tokens",
  "top_p",
  "temperature",
  "stop_seqs",
  "best_of",
  "frequency_penalty",
  "presence_penalty",
  "logit_bias",
  "seed",
  "top_k",
  "num_choices",
  "logprobs",
  "top_logprobs",
  "parallel_tool_calls",
  "internal_tools",
  "max_tool_output",
  "cache_prompt",
  "verbosity",
  "effort",
  "reasoning_effort",
  "reasoning_tokens",
  "reasoning_summary",
  "reasoning_history",
  "response_schema",
  "extra_headers",
  "extra_body",
  "modalities",
  "cache",
  "batch",
] as const;

function generateConfig(metadata: RunMetadata): Record<string, unknown> {
  const experiment = experimentOf(metadata);
  const config: Record<string, unknown> = Object.fromEntries(
    GENERATE_CONFIG_FIELDS.map((field) => [field, null]),
  );
  config.max_tokens = experiment.max_tokens ?? null;
  config.top_p = experiment.top_p ?? null;
  config.temperature = experiment.temperature ?? null;
  config.seed = experiment.seed ?? null;
  return config;
}

const EVAL_CONFIG_FIELDS = [
  "limit",
  "sample_id",
  "sample_shuffle",
  "epochs",
  "epochs_reducer",
  "approval",
  "fail_on_error",
  "continue_on_fail",
  "retry_on_error",
  "message_limit",
  "token_limit",
  "time_limit",
  "working_limit",
  "cost_limit",
  "max_samples",
  "max_dataset_memory",
  "max_tasks",
  "max_subprocesses",
  "max_sandboxes",
  "sandbox_cleanup",
  "log_samples",
  "log_realtime",
  "log_images",
  "log_model_api",
  "log_buffer",
  "log_shared",
  "score_display",
] as const;

function evalConfig(epochs: number | null): Record<string, unknown> {
  const config: Record<string, unknown> = Object.fromEntries(
    EVAL_CONFIG_FIELDS.map((field) => [field, null]),
  );
  config.epochs = epochs;
  config.log_samples = true;
  return config;
}
