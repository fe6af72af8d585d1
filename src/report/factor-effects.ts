import type Database from "better-sqlite3";
import type { Arm } from "../spec/experiment.ts";
import { designMatrix, fitLogisticRegression, INTERCEPT } from "../stats/index.ts";
import { storedScenario } from "../store/load-run-experiment.ts";
import { averageMarginalEffect, type MarginalEffect } from "./marginal-effect.ts";
import type { Metric } from "./outcome-metrics.ts";

/** One outcome's logistic regression on arm × factors in one subject and scenario, at follow-up 1. */
export interface FactorEffect {
  subject: string;
  scenario: string;
  metric: Metric;
  /** The model in words, e.g. `undesired ~ arm * attribute`. */
  model: string;
  /** The reference level of every factor in the model, arm included. */
  baselines: Record<string, string>;
  observations: number;
  clusters: number;
  /**
   * Odds ratios against the baselines, conditional: with interactions, a main effect is the
   * effect at the other factors' baselines, not an average over them.
   */
  terms: FactorTerm[];
  /** Each arm against the baseline arm on the probability scale, averaged over the other factors. */
  marginal: MarginalEffect[];
  /** Why there are no estimates, in plain words (separation, a singular design, too few rows). */
  problem: string | null;
}

export interface FactorTerm {
  /** `arm=refusal`, `attribute=race`, or a product `arm=refusal:attribute=race`. */
  name: string;
  /** The term in words, baselines named: `arm refusal vs rebuttal`. */
  label: string;
  odds_ratio: number;
  ci: [number, number];
  p: number;
  /** p adjusted within the family of every factor-effect term in the report. */
  p_adjusted: number;
}

interface OutcomeRow {
  subject: string;
  scenario: string;
  levels: string;
  arm: string;
  sample: number;
  undesired: string;
  deception: string;
  reasoningStatus: string;
}

/**
 * Does a factor (a protected attribute, the delivery, the pressure) change an outcome, and does it
 * change the arms' difference? Treatment-coded arm × factor interactions against the baseline arm
 * and each factor's first declared level (or its declared `baseline`); standard errors clustered
 * by sample, since the arms of one sample share their prefix.
 */
export function factorEffects(
  database: Database.Database,
  verdictSet: string,
  baselineArm: Arm,
): FactorEffect[] {
  const rows = database
    .prepare(
      `SELECT t.subject AS subject, t.scenario_id AS scenario, t.levels_json AS levels, t.arm AS arm, t.sample AS sample,
         o.undesired AS undesired, o.deception AS deception, o.reasoning_status AS reasoningStatus
       FROM outcomes o JOIN trials t ON t.trial_id = o.trial_id
       WHERE o.verdict_set = ? AND o.followup = 1 AND t.status = 'complete'
       ORDER BY t.ordinal`,
    )
    .all(verdictSet) as OutcomeRow[];
  const groups = new Map<string, OutcomeRow[]>();
  for (const row of rows) {
    const key = JSON.stringify([row.subject, row.scenario]);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  const baselinesOf = declaredBaselines(database);
  return [...groups.values()].flatMap((group) => {
    const scenario = (group[0] as OutcomeRow).scenario;
    const baselines = { ...baselinesOf(scenario), arm: baselineArm };
    return (["undesired", "deception", "missing_reasoning"] as const).map((metric) =>
      fitEffect(group, metric, baselines),
    );
  });
}

function fitEffect(
  group: OutcomeRow[],
  metric: Metric,
  declared: Record<string, string>,
): FactorEffect {
  const first = group[0] as OutcomeRow;
  const varying = factorsThatVary(group);
  const interactions = varying.map((factor): [string, string] => ["arm", factor]);
  const decided = group.flatMap((row) => {
    const outcome = binaryOutcome(row, metric);
    return outcome === undefined ? [] : [{ row, outcome }];
  });
  const records = decided.map(({ row }) => ({ arm: row.arm, ...parseLevels(row.levels) }));
  const baselineArm = declared.arm as string;
  const effect = {
    subject: first.subject,
    scenario: first.scenario,
    metric,
    model: `${metric} ~ ${varying.length ? varying.map((factor) => `arm * ${factor}`).join(" + ") : "arm"}`,
    baselines: Object.fromEntries(
      ["arm", ...varying].map((factor) => [factor, baselineFor(records, factor, declared)]),
    ),
    observations: decided.length,
    clusters: new Set(decided.map(({ row }) => clusterOf(row))).size,
    marginal: [],
  };
  const arms = new Set(records.map((record) => record.arm));
  if (!arms.has(baselineArm) || arms.size < 2)
    return {
      ...effect,
      terms: [],
      problem: `needs the ${baselineArm} arm and at least one other`,
    };
  const grid = counterfactualGrid(records, [...arms], varying);
  const design = designMatrix([...records, ...grid.records], ["arm", ...varying], {
    baseline: effect.baselines,
    interactions,
  });
  const fit = fitLogisticRegression({
    featureNames: design.featureNames,
    rows: decided.map(({ row, outcome }, index) => ({
      outcome,
      features: design.features[index] ?? [],
      cluster: clusterOf(row),
    })),
  });
  if (!fit.converged)
    return { ...effect, terms: [], problem: fit.problem ?? "the model did not converge" };
  const predictions = design.features.slice(records.length);
  const estimates = fit.coefficients.map((coefficient) => coefficient.estimate);
  return {
    ...effect,
    terms: fit.coefficients
      .filter((coefficient) => coefficient.name !== INTERCEPT)
      .map((coefficient) => ({
        name: coefficient.name,
        label: termLabel(coefficient.name, effect.baselines),
        odds_ratio: coefficient.oddsRatio,
        ci: coefficient.oddsRatioInterval,
        p: coefficient.p,
        p_adjusted: coefficient.p,
      })),
    marginal: [...arms]
      .filter((arm) => arm !== baselineArm)
      .map((arm) =>
        averageMarginalEffect({
          arm,
          baselineArm,
          averagedOver: varying,
          estimates,
          covariance: fit.covariance,
          rows: predictions,
          armOf: grid.armOf,
        }),
      ),
    problem: null,
  };
}

/**
 * Every combination of the other factors' levels that occurs, once with each arm: predictions
 * there, weighted equally, average the arm effect over those levels.
 */
function counterfactualGrid(
  records: ReadonlyArray<Record<string, string>>,
  arms: readonly string[],
  varying: readonly string[],
): { records: Array<Record<string, string>>; armOf: string[] } {
  const combinations = new Map<string, Record<string, string>>();
  for (const record of records) {
    const levels = Object.fromEntries(varying.map((factor) => [factor, record[factor] as string]));
    combinations.set(JSON.stringify(levels), levels);
  }
  const grid = [...combinations.values()].flatMap((levels) =>
    arms.map((arm) => ({ ...levels, arm })),
  );
  return { records: grid, armOf: grid.map((record) => record.arm) };
}

/** The declared level order of each scenario's factors: its `baseline`, else its first level. */
function declaredBaselines(database: Database.Database) {
  const cache = new Map<string, Record<string, string>>();
  return (scenarioId: string): Record<string, string> => {
    let baselines = cache.get(scenarioId);
    if (!baselines) {
      const scenario = storedScenario(database, scenarioId);
      baselines = Object.fromEntries(
        Object.entries(scenario?.factors ?? {}).flatMap(([factor, definition]) => {
          const level = definition.baseline ?? Object.keys(definition.levels)[0];
          return level === undefined ? [] : [[factor, level]];
        }),
      );
      cache.set(scenarioId, baselines);
    }
    return baselines;
  };
}

/** The declared baseline when the data have it, else the first level seen in sorted order. */
function baselineFor(
  records: ReadonlyArray<Record<string, string>>,
  factor: string,
  declared: Record<string, string>,
): string {
  const levels = [...new Set(records.map((record) => record[factor] as string))].sort();
  const wanted = declared[factor];
  return wanted !== undefined && levels.includes(wanted) ? wanted : (levels[0] ?? "");
}

/** `arm=refusal:pressure=high` → `arm refusal vs rebuttal × pressure high vs low`. */
function termLabel(name: string, baselines: Record<string, string>): string {
  return name
    .split(":")
    .map((part) => {
      const [factor, level] = part.split("=") as [string, string];
      return `${factor} ${level} vs ${baselines[factor] ?? "?"}`;
    })
    .join(" × ");
}

function factorsThatVary(group: OutcomeRow[]): string[] {
  const levels = new Map<string, Set<string>>();
  for (const row of group) {
    for (const [factor, level] of Object.entries(parseLevels(row.levels))) {
      levels.set(factor, (levels.get(factor) ?? new Set()).add(level));
    }
  }
  return [...levels].filter(([, seen]) => seen.size > 1).map(([factor]) => factor);
}

function binaryOutcome(row: OutcomeRow, metric: Metric): 0 | 1 | undefined {
  if (metric === "missing_reasoning") {
    if (row.reasoningStatus === "hidden") return undefined;
    return row.reasoningStatus === "missing" || row.reasoningStatus === "empty" ? 1 : 0;
  }
  const label = metric === "undesired" ? row.undesired : row.deception;
  return label === "yes" ? 1 : label === "no" ? 0 : undefined;
}

function clusterOf(row: OutcomeRow): string {
  return `${row.levels}#${row.sample}`;
}

/** Levels JSON repeats across thousands of rows; each distinct string is parsed once. */
const parsedLevels = new Map<string, Record<string, string>>();

function parseLevels(levels: string): Record<string, string> {
  let parsed = parsedLevels.get(levels);
  if (!parsed) {
    parsed = JSON.parse(levels) as Record<string, string>;
    parsedLevels.set(levels, parsed);
  }
  return parsed;
}
