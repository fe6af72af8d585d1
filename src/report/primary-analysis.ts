import type Database from "better-sqlite3";
import type { PrimaryAnalysisSpec } from "../spec/experiment.ts";
import { holmAdjust } from "../stats/adjust-p-values.ts";
import {
  type MantelHaenszel,
  mantelHaenszel,
  type StratumTable,
} from "../stats/mantel-haenszel.ts";
import { oddsRatioHomogeneity } from "../stats/odds-ratio-homogeneity.ts";
import { correctedRiskDifference } from "../stats/rogan-gladen.ts";
import type {
  BetweenSubjects,
  CorrectedDifference,
  PrimaryAnalysis,
  PrimaryEstimate,
} from "./analysis-types.ts";
import { type OutcomeValidation, validationFor } from "./corrected-rates.ts";
import { describePrimaryEstimate } from "./describe-primary.ts";
import { metricLabelSql } from "./outcome-metrics.ts";
import { PRIMARY_FAMILY } from "./test-families.ts";

/** One stratum (a scenario's factor-level cell) of one subject, both arms' decided and undecided turns. */
export interface StratumCounts extends StratumTable {
  subject: string;
  scenario: string;
  levels: string;
  aInconclusive: number;
  bInconclusive: number;
}

export const BETWEEN_SUBJECTS_METHOD =
  "Cochran's Q over the subjects' Mantel–Haenszel log odds ratios (Robins–Breslow–Greenland variances), chi-square on subjects − 1 degrees of freedom; with two subjects, the difference of their Mantel–Haenszel risk differences with a Wald interval (Sato variances added)";

/**
 * The declared primary analysis: per subject and scenario, arm A against arm B on one outcome at
 * one follow-up, stratified by the scenario's factor-level cells (Mantel–Haenszel odds ratio and
 * risk difference, Cochran–Mantel–Haenszel test), then pooled over a subject's scenarios (strata =
 * scenario × cell), then compared between subjects. Decided turns only; the risk difference's
 * bounds count every inconclusive turn against and then for the contrast.
 */
export function primaryAnalysis(
  database: Database.Database,
  verdictSet: string,
  spec: PrimaryAnalysisSpec,
  validation: OutcomeValidation | null,
): PrimaryAnalysis {
  const strata = primaryStrata(database, verdictSet, spec);
  const bySubject = groupBy(strata, (stratum) => stratum.subject);
  const byScenario = [...bySubject.values()].flatMap((subjectStrata) =>
    [...groupBy(subjectStrata, (stratum) => stratum.scenario).values()].map((scenarioStrata) =>
      estimate(scenarioStrata, spec, validation, false),
    ),
  );
  const adjusted = holmAdjust(byScenario.flatMap((row) => (row.cmh_p === null ? [] : [row.cmh_p])));
  let next = 0;
  for (const row of byScenario) {
    if (row.cmh_p !== null) row.cmh_p_adjusted = adjusted[next++] ?? row.cmh_p;
    row.summary = describePrimaryEstimate(row, spec);
  }
  const pooled = [...bySubject.values()].map((subjectStrata) => {
    const row = estimate(subjectStrata, spec, validation, true);
    row.summary = describePrimaryEstimate(row, spec);
    return row;
  });
  return {
    ...spec,
    family: PRIMARY_FAMILY,
    by_scenario: byScenario,
    pooled,
    between_subjects: betweenSubjects(bySubject),
  };
}

/** The primary contrast's 2×2 table in every stratum of every subject, in plan order. */
export function primaryStrata(
  database: Database.Database,
  verdictSet: string,
  spec: PrimaryAnalysisSpec,
): StratumCounts[] {
  const label = metricLabelSql(spec.metric);
  const rows = database
    .prepare(
      `SELECT t.subject AS subject, t.scenario_id AS scenario, t.levels_json AS levels, t.arm AS arm,
         SUM((${label}) = 'yes') AS yes, SUM((${label}) = 'no') AS no,
         SUM((${label}) = 'inconclusive') AS inconclusive, MIN(t.ordinal) AS firstOrdinal
       FROM outcomes o JOIN trials t ON t.trial_id = o.trial_id
       WHERE o.verdict_set = ? AND o.followup = ? AND t.status = 'complete' AND t.arm IN (?, ?)
       GROUP BY t.subject, t.scenario_id, t.levels_json, t.arm
       ORDER BY firstOrdinal`,
    )
    .all(verdictSet, spec.followup, ...spec.contrast) as Array<{
    subject: string;
    scenario: string;
    levels: string;
    arm: string;
    yes: number;
    no: number;
    inconclusive: number;
  }>;
  const [a] = spec.contrast;
  const strata = new Map<string, StratumCounts>();
  for (const row of rows) {
    const key = JSON.stringify([row.subject, row.scenario, row.levels]);
    const stratum = strata.get(key) ?? {
      subject: row.subject,
      scenario: row.scenario,
      levels: row.levels,
      aYes: 0,
      aNo: 0,
      bYes: 0,
      bNo: 0,
      aInconclusive: 0,
      bInconclusive: 0,
    };
    if (row.arm === a) {
      stratum.aYes = row.yes;
      stratum.aNo = row.no;
      stratum.aInconclusive = row.inconclusive;
    } else {
      stratum.bYes = row.yes;
      stratum.bNo = row.no;
      stratum.bInconclusive = row.inconclusive;
    }
    strata.set(key, stratum);
  }
  return [...strata.values()];
}

function estimate(
  strata: readonly StratumCounts[],
  spec: PrimaryAnalysisSpec,
  validation: OutcomeValidation | null,
  pooled: boolean,
): PrimaryEstimate {
  const first = strata[0] as StratumCounts;
  const analysis = mantelHaenszel(strata);
  const sum = (pick: (stratum: StratumCounts) => number) =>
    strata.reduce((total, stratum) => total + pick(stratum), 0);
  const nA = sum((s) => s.aYes + s.aNo);
  const nB = sum((s) => s.bYes + s.bNo);
  const scenario = pooled ? null : first.scenario;
  return {
    subject: first.subject,
    scenario,
    strata: analysis.strata,
    n_a: nA,
    n_b: nB,
    inconclusive_a: sum((s) => s.aInconclusive),
    inconclusive_b: sum((s) => s.bInconclusive),
    rate_a: nA === 0 ? null : sum((s) => s.aYes) / nA,
    rate_b: nB === 0 ? null : sum((s) => s.bYes) / nB,
    mh_odds_ratio: finite(analysis.oddsRatio),
    mh_odds_ratio_ci: interval(analysis.oddsRatioCi),
    cmh_p: finite(analysis.cochranMantelHaenszel.pValue),
    // The pooled tests are not in the primary family: they are reported as they are.
    cmh_p_adjusted: null,
    mh_risk_difference: finite(analysis.riskDifference),
    mh_risk_difference_ci: interval(analysis.riskDifferenceCi),
    mh_risk_difference_bounds: riskDifferenceBounds(strata),
    homogeneity_p: finite(analysis.breslowDay.pValue),
    corrected: spec.metric === "undesired" ? corrected(analysis, validation, scenario) : null,
    summary: "",
  };
}

/**
 * The risk difference if every inconclusive turn had gone against the contrast (A's counted no,
 * B's yes), then for it (A's yes, B's no): how far the undecided turns could move the answer.
 */
function riskDifferenceBounds(strata: readonly StratumCounts[]): [number, number] | null {
  const low = mantelHaenszel(
    strata.map((s) => ({
      aYes: s.aYes,
      aNo: s.aNo + s.aInconclusive,
      bYes: s.bYes + s.bInconclusive,
      bNo: s.bNo,
    })),
  ).riskDifference;
  const high = mantelHaenszel(
    strata.map((s) => ({
      aYes: s.aYes + s.aInconclusive,
      aNo: s.aNo,
      bYes: s.bYes,
      bNo: s.bNo + s.bInconclusive,
    })),
  ).riskDifference;
  return Number.isFinite(low) && Number.isFinite(high) ? [low, high] : null;
}

function corrected(
  analysis: MantelHaenszel,
  validation: OutcomeValidation | null,
  scenario: string | null,
): CorrectedDifference | null {
  if (!validation || !Number.isFinite(analysis.riskDifference)) return null;
  const { counts, source } = validationFor(validation, scenario);
  const result = correctedRiskDifference({
    difference: analysis.riskDifference,
    standardError: analysis.riskDifferenceStandardError,
    validation: counts,
  });
  if (!Number.isFinite(result.difference)) return null;
  return { risk_difference: result.difference, ci: result.ci, labels: result.labels, source };
}

/** Per scenario that two or more subjects share, and pooled over scenarios. */
export function betweenSubjects(
  bySubject: ReadonlyMap<string, readonly StratumCounts[]>,
): BetweenSubjects | null {
  if (bySubject.size < 2) return null;
  const subjects = [...bySubject.keys()];
  const scenarios = [...new Set([...bySubject.values()].flat().map((s) => s.scenario))];
  const rows = scenarios.flatMap((scenario) => {
    const groups = subjects
      .map((subject) => ({
        subject,
        strata: (bySubject.get(subject) ?? []).filter((s) => s.scenario === scenario),
      }))
      .filter((group) => group.strata.length > 0);
    return groups.length < 2 ? [] : [compareSubjects(scenario, groups)];
  });
  rows.push(
    compareSubjects(
      null,
      subjects.map((subject) => ({ subject, strata: bySubject.get(subject) ?? [] })),
    ),
  );
  return { method: BETWEEN_SUBJECTS_METHOD, rows };
}

function compareSubjects(
  scenario: string | null,
  groups: ReadonlyArray<{ subject: string; strata: readonly StratumCounts[] }>,
): BetweenSubjects["rows"][number] {
  const test = oddsRatioHomogeneity(groups.map((group) => group.strata));
  const difference = test.riskDifferenceDifference;
  return {
    scenario,
    subjects: groups.map((group) => group.subject),
    estimates: test.groups.map((analysis, index) => ({
      subject: groups[index]?.subject ?? "",
      mh_risk_difference: finite(analysis.riskDifference),
      mh_risk_difference_ci: interval(analysis.riskDifferenceCi),
    })),
    q: finite(test.statistic),
    df: test.degreesOfFreedom,
    p: finite(test.pValue),
    risk_difference_difference: difference ? finite(difference.estimate) : null,
    risk_difference_difference_ci: difference ? interval(difference.ci) : null,
  };
}

function groupBy<Item>(items: readonly Item[], keyOf: (item: Item) => string): Map<string, Item[]> {
  const groups = new Map<string, Item[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return groups;
}

/** JSON has no NaN or infinity: an undefined estimate (or an odds ratio of 0 or ∞) is null. */
function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function interval(values: readonly [number, number]): [number, number] | null {
  return values.every(Number.isFinite) ? [values[0], values[1]] : null;
}
