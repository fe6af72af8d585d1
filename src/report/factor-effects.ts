import type Database from "better-sqlite3";
import { designMatrix, fitLogisticRegression, INTERCEPT } from "../stats/index.ts";
import type { Metric } from "./analyze-run.ts";

/** One outcome's logistic regression on arm × factors in one subject and scenario, at follow-up 1. */
export interface FactorEffect {
  subject: string;
  scenario: string;
  metric: Metric;
  /** The model in words, e.g. `undesired ~ arm * attribute (baseline arm=rebuttal)`. */
  model: string;
  observations: number;
  clusters: number;
  /** Odds ratios against the baselines; empty when the model could not be estimated. */
  terms: Array<{ name: string; odds_ratio: number; ci: [number, number]; p: number }>;
  /** Why there are no estimates, in plain words (separation, a singular design, too few rows). */
  problem: string | null;
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

const BASELINE_ARM = "rebuttal";

/**
 * Does a factor (a protected attribute, the delivery, the pressure) change an outcome, and does it
 * change the arms' difference? Treatment-coded arm × factor interactions, rebuttal as the baseline
 * arm; standard errors clustered by sample, since the arms of one sample share their prefix.
 */
export function factorEffects(database: Database.Database, verdictSet: string): FactorEffect[] {
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
  return [...groups.values()].flatMap((group) =>
    (["undesired", "deception", "missing_reasoning"] as const).map((metric) =>
      fitEffect(group, metric),
    ),
  );
}

function fitEffect(group: OutcomeRow[], metric: Metric): FactorEffect {
  const first = group[0] as OutcomeRow;
  const varying = factorsThatVary(group);
  const interactions = varying.map((factor): [string, string] => ["arm", factor]);
  const decided = group.flatMap((row) => {
    const outcome = binaryOutcome(row, metric);
    return outcome === undefined ? [] : [{ row, outcome }];
  });
  const records = decided.map(({ row }) => ({ arm: row.arm, ...parseLevels(row.levels) }));
  const terms = varying.length ? varying.map((factor) => `arm * ${factor}`).join(" + ") : "arm";
  const effect = {
    subject: first.subject,
    scenario: first.scenario,
    metric,
    model: `${metric} ~ ${terms} (baseline arm=${BASELINE_ARM})`,
    observations: decided.length,
    clusters: new Set(decided.map(({ row }) => clusterOf(row))).size,
  };
  const arms = new Set(records.map((record) => record.arm));
  if (!arms.has(BASELINE_ARM) || arms.size < 2)
    return {
      ...effect,
      terms: [],
      problem: `needs the ${BASELINE_ARM} arm and at least one other`,
    };
  const design = designMatrix(records, ["arm", ...varying], {
    baseline: { arm: BASELINE_ARM },
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
  const reported = fit.coefficients.filter((coefficient) => coefficient.name !== INTERCEPT);
  return {
    ...effect,
    terms: reported.map((coefficient) => ({
      name: coefficient.name,
      odds_ratio: coefficient.oddsRatio,
      ci: coefficient.oddsRatioInterval,
      p: coefficient.p,
    })),
    problem: null,
  };
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
