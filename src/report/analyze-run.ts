import type Database from "better-sqlite3";
import type { ModelSettings, PrimaryAnalysisSpec } from "../spec/experiment.ts";
import { wilsonInterval } from "../stats/index.ts";
import { errorGroups } from "../store/error-groups.ts";
import { RUN_VERDICT_SET, type RunMetadata, type RunStore } from "../store/run-store.ts";
import type { Cell, PAdjustment, Proportion, RunAnalysis, TestFamily } from "./analysis-types.ts";
import { baselineComparisons, compareArms } from "./compare-arms.ts";
import { correctUndesiredRate, outcomeValidation } from "./corrected-rates.ts";
import { countOutcomes, type LabelCounts, type OutcomeCounts } from "./count-outcomes.ts";
import { countPairs } from "./count-pairs.ts";
import { type FactorEffect, factorEffects } from "./factor-effects.ts";
import { judgeAgreement } from "./judge-agreement.ts";
import { CELL_METRICS } from "./outcome-metrics.ts";
import { primaryAnalysis } from "./primary-analysis.ts";
import { adjustPValues, describeFamilies } from "./test-families.ts";
import { usageSummary } from "./usage-summary.ts";

export type { Cell, Comparison, PAdjustment, Proportion, RunAnalysis } from "./analysis-types.ts";
export { METRICS, type Metric } from "./outcome-metrics.ts";

const DEFAULT_PRIMARY: PrimaryAnalysisSpec = {
  metric: "undesired",
  followup: 1,
  contrast: ["refusal", "rebuttal"],
};

/** The declared primary analysis first, then rates per cell and follow-up, and the contrasts. */
export function analyzeRun(
  store: RunStore,
  options: { verdictSet?: string; adjustment?: PAdjustment } = {},
): RunAnalysis {
  const verdictSet = options.verdictSet ?? RUN_VERDICT_SET;
  const adjustment = options.adjustment ?? "holm";
  store.tuneForAnalysis();
  const metadata = store.metadata();
  const experiment = metadata.experiment as {
    models?: Record<string, ModelSettings>;
    pressurer?: string;
  };
  const primarySpec = declaredPrimary(metadata);
  const validation = outcomeValidation(store.database, verdictSet);
  const cells = outcomeCells(store.database, verdictSet).map((cell) => ({
    ...cell,
    undesired_corrected: correctUndesiredRate(cell, validation),
  }));
  const [a, b] = primarySpec.contrast;
  const comparisons = [
    ...baselineComparisons(cells, adjustment),
    ...compareArms(
      cells,
      countPairs(store.database, verdictSet, a, b, metadata.design),
      [a, b],
      adjustment,
    ),
  ];
  const primary = primaryAnalysis(store.database, verdictSet, primarySpec, validation);
  const effects = adjustFactorEffects(factorEffects(store.database, verdictSet, b), adjustment);
  return {
    metadata,
    design: metadata.design,
    verdict_set: verdictSet,
    judges: verdictSetJudges(store.database, verdictSet, metadata.judges),
    status: store.statusCounts(),
    errors: errorCounts(store),
    error_reasons: errorGroups(store.database),
    primary,
    cells,
    comparisons,
    families: describeFamilies(primary, comparisons, effects, adjustment),
    usage: usageSummary(store.database, experiment.models ?? {}, experiment.pressurer),
    factor_effects: effects,
    judge_agreement: judgeAgreement(store.database, verdictSet),
  };
}

/** The primary analysis a run declared; runs from before declarations get candor's default. */
export function declaredPrimary(metadata: Pick<RunMetadata, "experiment">): PrimaryAnalysisSpec {
  return (metadata.experiment as { primary?: PrimaryAnalysisSpec }).primary ?? DEFAULT_PRIMARY;
}

/** Rates per design cell and follow-up, before any correction for judge error. */
export function outcomeCells(
  database: Database.Database,
  verdictSet: string,
): Array<Omit<Cell, "undesired_corrected">> {
  return countOutcomes(database, verdictSet).map(toCell);
}

function toCell(counts: OutcomeCounts): Omit<Cell, "undesired_corrected"> {
  const rates = Object.fromEntries(
    CELL_METRICS.map((metric) => [metric, proportionOf(counts.counts[metric])]),
  ) as Record<(typeof CELL_METRICS)[number], Proportion>;
  return {
    subject: counts.subject,
    scenario: counts.scenario,
    factors: counts.factors,
    arm: counts.arm,
    followup: counts.followup,
    trials: counts.turns,
    ...rates,
  };
}

export function proportionOf(counts: LabelCounts): Proportion {
  return proportion(counts.yes, counts.yes + counts.no, counts.inconclusive);
}

/** k of n decided, with the inconclusive turns beside it and the bounds they allow. */
export function proportion(k: number, n: number, inconclusive: number): Proportion {
  const all = n + inconclusive;
  return {
    k,
    n,
    rate: n === 0 ? null : k / n,
    ci: wilsonInterval(k, n),
    inconclusive,
    bounds: all === 0 ? [0, 1] : [k / all, (k + inconclusive) / all],
  };
}

/** Every term of every factor-effect model is one family of tests, adjusted together. */
function adjustFactorEffects(effects: FactorEffect[], adjustment: PAdjustment): FactorEffect[] {
  const adjusted = adjustPValues(
    effects.flatMap((effect) => effect.terms.map((term) => term.p)),
    adjustment,
  );
  let next = 0;
  return effects.map((effect) => ({
    ...effect,
    terms: effect.terms.map((term) => ({ ...term, p_adjusted: adjusted[next++] ?? term.p })),
  }));
}

/** The judges whose verdicts make up a set: the run's own, or those `candor judge` added. */
function verdictSetJudges(
  database: Database.Database,
  verdictSet: string,
  runJudges: readonly string[],
): string[] {
  if (verdictSet === RUN_VERDICT_SET) return [...runJudges];
  const rows = database
    .prepare("SELECT DISTINCT judge FROM verdicts WHERE verdict_set = ? ORDER BY judge")
    .all(verdictSet) as Array<{ judge: string }>;
  return rows.map((row) => row.judge);
}

function errorCounts(store: RunStore): RunAnalysis["errors"] {
  return store.database
    .prepare(
      `SELECT subject, scenario_id AS scenario, COUNT(*) AS count FROM trials
       WHERE status = 'error' GROUP BY subject, scenario_id ORDER BY subject, scenario_id`,
    )
    .all() as RunAnalysis["errors"];
}

export type { TestFamily };
