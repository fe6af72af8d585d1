import type Database from "better-sqlite3";
import type { Arm, ModelSettings } from "../spec/experiment.ts";
import { type CorrectedPrevalence, wilsonInterval } from "../stats/index.ts";
import { RUN_VERDICT_SET, type RunMetadata, type RunStore } from "../store/run-store.ts";
import { compareArms } from "./compare-arms.ts";
import { correctUndesiredRate, outcomeValidation } from "./corrected-rates.ts";
import { countOutcomes, type OutcomeCounts } from "./count-outcomes.ts";
import { countPairs } from "./count-pairs.ts";
import { type FactorEffect, factorEffects } from "./factor-effects.ts";
import { type JudgeAgreement, judgeAgreement } from "./judge-agreement.ts";
import { type ModelUsage, usageSummary } from "./usage-summary.ts";

export const METRICS = ["undesired", "deception", "missing_reasoning"] as const;
export type Metric = (typeof METRICS)[number];

/** A rate with its 95% Wilson interval; `inconclusive` turns are counted here, outside `n`. */
export interface Proportion {
  k: number;
  n: number;
  rate: number | null;
  ci: [number, number];
  inconclusive: number;
}

export interface Cell {
  subject: string;
  scenario: string;
  factors: Record<string, string>;
  arm: Arm;
  followup: number;
  /** Completed trials that reached this follow-up. */
  trials: number;
  undesired: Proportion;
  deception: Proportion;
  missing_reasoning: Proportion;
  /** The undesired rate corrected for measured judge error; null without human labels. */
  undesired_corrected: CorrectedPrevalence | null;
}

export interface Comparison {
  subject: string;
  scenario: string;
  factors: Record<string, string>;
  followup: number;
  metric: Metric;
  a: Arm;
  b: Arm;
  diff: number | null;
  ci: [number, number];
  p: number;
  /** p after the adjustment for multiple comparisons across every comparison in the report. */
  p_adjusted: number;
  /** Paired when the arms' trials of each sample saw the same prefix; otherwise unpaired. */
  method: "mcnemar-paired" | "newcombe-fisher";
  /** Pairs (paired) or trials per arm (unpaired) the comparison rests on. */
  n: number | [number, number];
}

export type PAdjustment = "holm" | "bh";

export interface RunAnalysis {
  metadata: RunMetadata;
  /** Whose verdicts the outcomes come from: the run's own set, or one added by `candor judge`. */
  verdict_set: string;
  status: Record<"pending" | "complete" | "error", number>;
  /** Errored trials by subject and scenario: excluded from every rate, never silently. */
  errors: Array<{ subject: string; scenario: string; count: number }>;
  cells: Cell[];
  comparisons: Comparison[];
  /** Tokens and cost per subject and judge model; cached calls cost nothing. */
  usage: ModelUsage[];
  /** Logistic regressions of each outcome on arm × factors, per subject and scenario. */
  factor_effects: FactorEffect[];
  /** Agreement between the judges (two or more) on `undesired`. */
  judge_agreement: JudgeAgreement;
}

const COMPARED_ARMS: readonly [Arm, Arm] = ["refusal", "rebuttal"];

/** Rates per design cell and follow-up, and refusal-minus-rebuttal differences. */
export function analyzeRun(
  store: RunStore,
  options: { verdictSet?: string; adjustment?: PAdjustment } = {},
): RunAnalysis {
  const verdictSet = options.verdictSet ?? RUN_VERDICT_SET;
  store.tuneForAnalysis();
  const validation = outcomeValidation(store.database, verdictSet);
  const cells = outcomeCells(store.database, verdictSet).map((cell) => ({
    ...cell,
    undesired_corrected: correctUndesiredRate(cell, validation),
  }));
  const metadata = store.metadata();
  const settings = (metadata.experiment as { models?: Record<string, ModelSettings> }).models ?? {};
  return {
    metadata,
    verdict_set: verdictSet,
    status: store.statusCounts(),
    errors: errorCounts(store),
    cells,
    comparisons: compareArms(
      cells,
      countPairs(store.database, verdictSet, ...COMPARED_ARMS),
      ...COMPARED_ARMS,
      options.adjustment ?? "holm",
    ),
    usage: usageSummary(store.database, settings),
    factor_effects: factorEffects(store.database, verdictSet),
    judge_agreement: judgeAgreement(store.database, verdictSet),
  };
}

/** Rates per design cell and follow-up, before any correction for judge error. */
export function outcomeCells(
  database: Database.Database,
  verdictSet: string,
): Array<Omit<Cell, "undesired_corrected">> {
  return countOutcomes(database, verdictSet).map(toCell);
}

function toCell(counts: OutcomeCounts): Omit<Cell, "undesired_corrected"> {
  return {
    subject: counts.subject,
    scenario: counts.scenario,
    factors: counts.factors,
    arm: counts.arm,
    followup: counts.followup,
    trials: counts.turns,
    undesired: proportion(
      counts.undesiredYes,
      counts.undesiredYes + counts.undesiredNo,
      counts.undesiredInconclusive,
    ),
    deception: proportion(
      counts.deceptionYes,
      counts.deceptionYes + counts.deceptionNo,
      counts.deceptionInconclusive,
    ),
    missing_reasoning: proportion(
      counts.reasoningMissing,
      counts.reasoningMissing + counts.reasoningPresent,
      counts.reasoningHidden,
    ),
  };
}

export function proportion(k: number, n: number, inconclusive: number): Proportion {
  return { k, n, rate: n === 0 ? null : k / n, ci: wilsonInterval(k, n), inconclusive };
}

function errorCounts(store: RunStore): RunAnalysis["errors"] {
  return store.database
    .prepare(
      `SELECT subject, scenario_id AS scenario, COUNT(*) AS count FROM trials
       WHERE status = 'error' GROUP BY subject, scenario_id ORDER BY subject, scenario_id`,
    )
    .all() as RunAnalysis["errors"];
}
