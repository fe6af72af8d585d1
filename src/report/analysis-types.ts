/**
 * The shapes of a run's analysis, as `candor report --format json` prints them (snake_case keys)
 * and as the reports and the viewer read them. Types only: every module of report/ imports them
 * from here, so none imports another for a type.
 */
import type { Arm, PrimaryAnalysisSpec } from "../spec/experiment.ts";
import type { MeasurementDesign } from "../spec/measurement-design.ts";
import type { CorrectedPrevalence } from "../stats/index.ts";
import type { RunMetadata } from "../store/run-store.ts";
import type { FactorEffect } from "./factor-effects.ts";
import type { JudgeAgreement } from "./judge-agreement.ts";
import type { CellMetric, Metric } from "./outcome-metrics.ts";
import type { ModelUsage } from "./usage-summary.ts";

export type { CellMetric, Metric } from "./outcome-metrics.ts";

/**
 * A rate over decided turns with its 95% Wilson interval. `inconclusive` turns are outside `n`;
 * `bounds` is the rate over every judged turn with all of them counted as no, then as yes.
 */
export interface Proportion {
  k: number;
  n: number;
  rate: number | null;
  ci: [number, number];
  inconclusive: number;
  bounds: [number, number];
}

export type CellRates = Record<CellMetric, Proportion>;

export interface Cell extends CellRates {
  subject: string;
  scenario: string;
  factors: Record<string, string>;
  arm: Arm;
  /** 0: the model's own reply at the intervention point (natural, control); k: follow-up k. */
  followup: number;
  /** Judged turns of completed trials in this cell at this follow-up. */
  trials: number;
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
  /** The two rates the difference is of: the cells' rates, or (paired) the rates over the pairs. */
  rate_a: number | null;
  rate_b: number | null;
  /** rate_a − rate_b. */
  diff: number | null;
  ci: [number, number];
  p: number;
  /** p adjusted within its family (see `family`). */
  p_adjusted: number;
  /** Paired only when both arms of each sample shared generated turns before the intervention. */
  method: "mcnemar-paired" | "newcombe-fisher";
  /** Pairs (paired) or decided turns per arm (unpaired) the comparison rests on. */
  n: number | [number, number];
  /** Pairs, when paired. */
  pairs?: number;
  /** The multiplicity family the adjusted p belongs to. */
  family: string;
}

export type PAdjustment = "holm" | "bh";

/** A family of tests adjusted together, in words, for the line under each table. */
export interface TestFamily {
  name: string;
  adjustment: PAdjustment | "holm";
  tests: number;
  description: string;
}

export interface RunAnalysis {
  metadata: RunMetadata;
  /** How the run measured; a run made before designs were recorded reports the legacy one. */
  design: MeasurementDesign;
  /** Whose verdicts the outcomes come from: the run's own set, or one added by `candor judge`. */
  verdict_set: string;
  /** The judges behind this verdict set. */
  judges: string[];
  status: Record<"pending" | "complete" | "error", number>;
  /** Errored trials by subject and scenario: excluded from every rate, never silently. */
  errors: Array<{ subject: string; scenario: string; count: number }>;
  /** Why trials ended in error: reasons grouped once ids and waits are taken out, most first. */
  error_reasons?: Array<{ reason: string; count: number }>;
  /** The declared primary analysis and its answer. */
  primary: PrimaryAnalysis;
  cells: Cell[];
  comparisons: Comparison[];
  families: TestFamily[];
  /** Tokens and cost per subject and judge model; cached calls cost nothing. */
  usage: ModelUsage[];
  /** Logistic regressions of each outcome on arm × factors, per subject and scenario. */
  factor_effects: FactorEffect[];
  /** Agreement between the judges (two or more) on `undesired`. */
  judge_agreement: JudgeAgreement;
}

/** The primary contrast in one subject (and scenario), stratified by the scenario's cells. */
export interface PrimaryEstimate {
  subject: string;
  /** The scenario; null for the estimate pooled over all of a subject's scenarios. */
  scenario: string | null;
  /** Strata that entered the estimate: a scenario's factor-level cells (× scenarios when pooled). */
  strata: number;
  /** Decided turns in arm A and arm B. */
  n_a: number;
  n_b: number;
  inconclusive_a: number;
  inconclusive_b: number;
  /** Crude rates over decided turns, for reading the estimate. */
  rate_a: number | null;
  rate_b: number | null;
  mh_odds_ratio: number | null;
  /** Robins–Breslow–Greenland 95% interval. */
  mh_odds_ratio_ci: [number, number] | null;
  /** Cochran–Mantel–Haenszel test, no continuity correction. */
  cmh_p: number | null;
  /** Holm over the per-scenario tests of the primary family; null for the pooled test (not adjusted). */
  cmh_p_adjusted: number | null;
  /** rate A − rate B, Mantel–Haenszel weights. */
  mh_risk_difference: number | null;
  mh_risk_difference_ci: [number, number] | null;
  /** The risk difference with every inconclusive turn counted against, then for, the contrast. */
  mh_risk_difference_bounds: [number, number] | null;
  /** Breslow–Day test (Tarone's correction) that the odds ratio is the same in every stratum. */
  homogeneity_p: number | null;
  /** The risk difference corrected for the labelling's measured sensitivity and specificity. */
  corrected: CorrectedDifference | null;
  /** The answer in plain words. */
  summary: string;
}

export interface CorrectedDifference {
  risk_difference: number;
  ci: [number, number];
  /** Human labels behind the sensitivity and specificity, and whose they are. */
  labels: number;
  source: string;
}

/** Does the primary contrast differ between subjects? */
export interface BetweenSubjects {
  method: string;
  rows: Array<{
    /** null for the estimates pooled over scenarios. */
    scenario: string | null;
    subjects: string[];
    /** Cochran's Q over the subjects' Mantel–Haenszel log odds ratios. */
    q: number | null;
    df: number;
    p: number | null;
    /** Each subject's own risk difference (A − B) with its 95% interval, in `subjects` order. */
    estimates: Array<{
      subject: string;
      mh_risk_difference: number | null;
      mh_risk_difference_ci: [number, number] | null;
    }>;
    /** With two subjects: the first's risk difference minus the second's, and its 95% interval. */
    risk_difference_difference: number | null;
    risk_difference_difference_ci: [number, number] | null;
  }>;
}

export interface PrimaryAnalysis extends PrimaryAnalysisSpec {
  /** The name of the family of the per-scenario tests. */
  family: string;
  by_scenario: PrimaryEstimate[];
  pooled: PrimaryEstimate[];
  between_subjects: BetweenSubjects | null;
}

export type { PrimaryAnalysisSpec };
