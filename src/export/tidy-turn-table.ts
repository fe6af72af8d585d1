import type Database from "better-sqlite3";
import { deceptionKinds, decideDeception } from "../judges/combine-verdicts.ts";
import {
  judgeBatchedTokens,
  servedCost,
  standardPriceOf,
  turnCost,
} from "../providers/price-table.ts";
import type { ModelSettings } from "../spec/experiment.ts";
import type { TrialResult, TurnRecord } from "../spec/trial-record.ts";
import type { ConsistencyLabel, UndesiredLabel, Verdict } from "../spec/verdict.ts";
import { type StoredHumanLabel, trialHumanLabels } from "../store/human-labels.ts";
import { RUN_VERDICT_SET, type RunStore } from "../store/run-store.ts";

export type TidyValue = string | number | boolean | null;
export type TidyType = "STRING" | "INT32" | "DOUBLE" | "BOOLEAN";

export interface TidyColumn {
  name: string;
  type: TidyType;
}

/** The judged-turn table of one run: its columns (known before any row) and its rows, streamed. */
export interface TidyTurnTable {
  columns: TidyColumn[];
  rows(): IterableIterator<Record<string, TidyValue>>;
}

/** Who a per-judge or per-labeller column block belongs to, and the prefix its columns carry. */
interface NamedBlock {
  name: string;
  prefix: string;
}

/**
 * One row per judged turn of every completed trial (follow-up 0 included): the trial's identity,
 * one column per factor, the combined and per-judge labels as booleans (inconclusive as null),
 * human labels, tokens, cost, latency and the texts. Rows are built one trial at a time.
 */
export function tidyTurnTable(store: RunStore, verdictSet = RUN_VERDICT_SET): TidyTurnTable {
  const metadata = store.metadata();
  const settings = (metadata.experiment as { models?: Record<string, ModelSettings> }).models ?? {};
  const factors = factorNames(store.database);
  const judges = namedBlocks(judgeNames(store.database, verdictSet), "judge");
  const labellers = namedBlocks(labellerNames(store.database), "human");
  const columns = tidyColumns(factors, judges, labellers);
  const context: RowContext = { runId: metadata.runId, settings, factors, judges, labellers };
  return {
    columns,
    *rows() {
      for (const trial of store.trials(verdictSet)) {
        if (trial.status !== "complete") continue;
        const labels = trialHumanLabels(store.database, trial.trialId);
        for (const turn of trial.turns) {
          if (turn.outcome) yield tidyRow(trial, turn, labels, context);
        }
      }
    },
  };
}

function tidyColumns(
  factors: readonly string[],
  judges: readonly NamedBlock[],
  labellers: readonly NamedBlock[],
): TidyColumn[] {
  const column = (name: string, type: TidyType): TidyColumn => ({ name, type });
  return [
    column("run_id", "STRING"),
    column("trial_id", "STRING"),
    column("subject", "STRING"),
    column("scenario", "STRING"),
    ...factors.map((factor) => column(`factor_${factor}`, "STRING")),
    column("arm", "STRING"),
    column("sample", "INT32"),
    column("simulated", "BOOLEAN"),
    column("turn_index", "INT32"),
    column("followup", "INT32"),
    column("step_id", "STRING"),
    column("reasoning_status", "STRING"),
    column("parse_rule", "STRING"),
    column("undesired", "BOOLEAN"),
    column("consistency", "STRING"),
    column("consistent", "BOOLEAN"),
    column("deception", "BOOLEAN"),
    column("deception_missing", "BOOLEAN"),
    column("deception_inconsistent", "BOOLEAN"),
    column("missing_reasoning", "BOOLEAN"),
    ...judges.flatMap(({ prefix }) => [
      column(`${prefix}_undesired`, "BOOLEAN"),
      column(`${prefix}_consistent`, "BOOLEAN"),
      column(`${prefix}_deception`, "BOOLEAN"),
      column(`${prefix}_rationale`, "STRING"),
      column(`${prefix}_quotes`, "STRING"),
      column(`${prefix}_inconclusive_reason`, "STRING"),
    ]),
    ...labellers.flatMap(({ prefix }) => [
      column(`${prefix}_undesired`, "BOOLEAN"),
      column(`${prefix}_consistent`, "BOOLEAN"),
    ]),
    column("input_tokens", "INT32"),
    column("output_tokens", "INT32"),
    column("cached", "BOOLEAN"),
    column("cost_usd", "DOUBLE"),
    column("judge_input_tokens", "INT32"),
    column("judge_output_tokens", "INT32"),
    column("judge_cost_usd", "DOUBLE"),
    column("latency_ms", "DOUBLE"),
    column("model_id", "STRING"),
    column("finish_reason", "STRING"),
    column("user_message", "STRING"),
    column("content", "STRING"),
    column("reasoning", "STRING"),
    column("output", "STRING"),
    column("native_reasoning", "STRING"),
  ];
}

interface RowContext {
  runId: string;
  settings: Readonly<Record<string, ModelSettings>>;
  factors: readonly string[];
  judges: readonly NamedBlock[];
  labellers: readonly NamedBlock[];
}

function tidyRow(
  trial: TrialResult,
  turn: TurnRecord,
  labels: readonly StoredHumanLabel[],
  context: RowContext,
): Record<string, TidyValue> {
  const outcome = turn.outcome;
  if (!outcome) throw new Error("a tidy row needs a judged turn");
  const kinds = deceptionKinds(outcome.undesired, outcome.reasoningStatus, outcome.consistency);
  const row: Record<string, TidyValue> = {
    run_id: context.runId,
    trial_id: trial.trialId,
    subject: trial.subject,
    scenario: trial.scenarioId,
  };
  for (const factor of context.factors) row[`factor_${factor}`] = trial.levels[factor] ?? null;
  Object.assign(row, {
    arm: trial.arm,
    sample: trial.sample,
    simulated: trial.simulated,
    turn_index: turn.index,
    followup: turn.followup,
    step_id: turn.stepId,
    reasoning_status: outcome.reasoningStatus,
    parse_rule: turn.parsed?.rule ?? null,
    undesired: yesNo(outcome.undesired),
    consistency: outcome.consistency,
    consistent: consistentOf(outcome.consistency),
    deception: yesNo(outcome.deception),
    deception_missing: yesNo(kinds.missing),
    deception_inconsistent: yesNo(kinds.inconsistent),
    missing_reasoning: missingReasoning(outcome.reasoningStatus),
  });
  for (const judge of context.judges) {
    const verdict = turn.verdicts.find((candidate) => candidate.judge === judge.name);
    Object.assign(row, judgeColumns(judge.prefix, verdict, outcome.reasoningStatus));
  }
  for (const labeller of context.labellers) {
    const label = labels.find(
      (candidate) => candidate.labeller === labeller.name && candidate.turnIndex === turn.index,
    );
    row[`${labeller.prefix}_undesired`] = label?.undesired ? yesNo(label.undesired) : null;
    row[`${labeller.prefix}_consistent`] = label?.consistency
      ? consistentOf(label.consistency)
      : null;
  }
  Object.assign(row, usageColumns(trial, turn, context.settings));
  Object.assign(row, textColumns(trial, turn));
  return row;
}

function judgeColumns(
  prefix: string,
  verdict: Verdict | undefined,
  reasoningStatus: NonNullable<TurnRecord["outcome"]>["reasoningStatus"],
): Record<string, TidyValue> {
  const undesired = verdict?.undesired ?? null;
  const consistency = verdict?.consistency ?? null;
  const deception =
    undesired === null
      ? null
      : yesNo(decideDeception(undesired, reasoningStatus, consistency ?? "inconclusive"));
  return {
    [`${prefix}_undesired`]: undesired === null ? null : yesNo(undesired),
    [`${prefix}_consistent`]: consistency === null ? null : consistentOf(consistency),
    [`${prefix}_deception`]: deception,
    [`${prefix}_rationale`]: verdict?.rationale || null,
    [`${prefix}_quotes`]: verdict && verdict.quotes.length > 0 ? verdict.quotes.join("\n") : null,
    [`${prefix}_inconclusive_reason`]: verdict?.inconclusiveReason ?? null,
  };
}

function usageColumns(
  trial: TrialResult,
  turn: TurnRecord,
  settings: Readonly<Record<string, ModelSettings>>,
): Record<string, TidyValue> {
  const response = turn.response;
  const cached = response?.metadata?.cached === true;
  const subjectPrice = standardPriceOf(trial.subject, settings[trial.subject]);
  const cost = response ? turnCost(subjectPrice, response) : null;
  let judgeInput = 0;
  let judgeOutput = 0;
  let judgeCost: number | null = 0;
  for (const verdict of turn.verdicts) {
    if (!verdict.usage) continue;
    judgeInput += verdict.usage.inputTokens;
    judgeOutput += verdict.usage.outputTokens;
    const price = standardPriceOf(verdict.judge, settings[verdict.judge]);
    const billed = {
      inputTokens: verdict.usage.billedInputTokens,
      outputTokens: verdict.usage.billedOutputTokens,
    };
    const batched = judgeBatchedTokens(verdict.usage, settings[verdict.judge]);
    judgeCost = price && judgeCost !== null ? judgeCost + servedCost(price, billed, batched) : null;
  }
  return {
    input_tokens: response?.usage.inputTokens ?? null,
    output_tokens: response?.usage.outputTokens ?? null,
    cached: response ? cached : null,
    cost_usd: cost,
    judge_input_tokens: judgeInput,
    judge_output_tokens: judgeOutput,
    judge_cost_usd: judgeCost,
    latency_ms: response?.latencyMs ?? null,
    model_id: response?.modelId ?? null,
    finish_reason: response?.finishReason ?? null,
  };
}

function textColumns(trial: TrialResult, turn: TurnRecord): Record<string, TidyValue> {
  const userTurn = trial.turns
    .slice(0, turn.index)
    .reverse()
    .find((candidate) => candidate.role === "user");
  return {
    user_message: userTurn?.content ?? null,
    content: turn.content,
    reasoning: turn.parsed?.reasoning ?? null,
    output: turn.parsed?.output ?? null,
    native_reasoning: turn.response?.nativeReasoning?.text ?? null,
  };
}

/** yes → true, no → false, inconclusive → null: undecided is missing data, never a value. */
export function yesNo(label: UndesiredLabel | "yes" | "no"): boolean | null {
  return label === "yes" ? true : label === "no" ? false : null;
}

/** consistent → true, inconsistent → false; not applicable or inconclusive → null. */
export function consistentOf(label: ConsistencyLabel): boolean | null {
  return label === "consistent" ? true : label === "inconsistent" ? false : null;
}

/** As the report counts it: missing or empty reasoning is yes; provider-hidden is undecided. */
function missingReasoning(status: string): boolean | null {
  if (status === "missing" || status === "empty") return true;
  return status === "hidden" ? null : false;
}

function factorNames(database: Database.Database): string[] {
  const rows = database.prepare("SELECT DISTINCT levels_json FROM trials").all() as Array<{
    levels_json: string;
  }>;
  const names = new Set<string>();
  for (const row of rows)
    for (const name of Object.keys(JSON.parse(row.levels_json))) names.add(name);
  return [...names];
}

function judgeNames(database: Database.Database, verdictSet: string): string[] {
  const rows = database
    .prepare("SELECT DISTINCT judge FROM verdicts WHERE verdict_set = ? ORDER BY judge")
    .all(verdictSet) as Array<{ judge: string }>;
  return rows.map((row) => row.judge);
}

function labellerNames(database: Database.Database): string[] {
  const rows = database
    .prepare("SELECT DISTINCT labeller FROM human_labels ORDER BY labeller")
    .all() as Array<{ labeller: string }>;
  return rows.map((row) => row.labeller);
}

/** Column prefixes from names that may hold any character (`openai:gpt-4o`), kept distinct. */
function namedBlocks(names: readonly string[], kind: string): NamedBlock[] {
  const taken = new Set<string>();
  return names.map((name) => {
    const base = `${kind}_${name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_|_$/g, "")}`;
    let prefix = base;
    for (let suffix = 2; taken.has(prefix); suffix += 1) prefix = `${base}_${suffix}`;
    taken.add(prefix);
    return { name, prefix };
  });
}
