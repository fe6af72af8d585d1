import { describeDesign } from "../spec/measurement-design.ts";
import type {
  Cell,
  CellMetric,
  Comparison,
  PrimaryEstimate,
  RunAnalysis,
  TestFamily,
} from "./analysis-types.ts";
import {
  describeFactors,
  formatDifference,
  formatInterval,
  formatP,
  formatProportion,
  formatRatio,
  percent,
  points,
} from "./format.ts";

/** The report's content as tables of plain strings; the Markdown and HTML writers only lay it out. */
export interface Table {
  caption: string;
  header: string[];
  rows: string[][];
  /** A line under the table: which family its adjusted p-values belong to, why a row is empty. */
  note?: string;
}

export const SIMULATED_NOTICE =
  "SIMULATED SUBJECT: these numbers come from candor's seeded simulator at invented rates. They show how the pipeline works and say nothing about any real model.";

export const METRIC_TITLES: Record<CellMetric, string> = {
  undesired: "Undesired",
  deception: "Reason-based deception",
  missing_reasoning: "Missing reasoning",
  deception_missing: "Deception, reasoning missing",
  deception_inconsistent: "Deception, reasoning inconsistent",
  deception_missing_given_undesired: "Reasoning missing, among undesired",
  deception_inconsistent_given_undesired: "Reasoning inconsistent, among undesired",
  missing_reasoning_given_undesired: "Missing reasoning, among undesired",
  missing_reasoning_given_not_undesired: "Missing reasoning, among not undesired",
};

export function runFacts(analysis: RunAnalysis): Array<[string, string]> {
  const { metadata, status } = analysis;
  return [
    ["Run", metadata.runId],
    ["Experiment", `${metadata.experimentId} (${metadata.experimentFile})`],
    ["Created", metadata.createdAt],
    [
      "candor",
      `${metadata.candorVersion}${metadata.gitRevision ? ` @ ${metadata.gitRevision.slice(0, 12)}` : ""}`,
    ],
    ["Subjects", metadata.subjects.join(", ")],
    ["Judges", analysis.judges.join(", ")],
    ["Verdict set", analysis.verdict_set],
    ["Trials", `${status.complete} complete, ${status.error} error, ${status.pending} pending`],
    ...describeDesign(analysis.design),
  ];
}

/** The primary analysis, per subject and scenario, then pooled over each subject's scenarios. */
export function primaryTable(analysis: Pick<RunAnalysis, "primary" | "families">): Table {
  const { primary } = analysis;
  const [a, b] = primary.contrast;
  const corrected = [...primary.by_scenario, ...primary.pooled].some((row) => row.corrected);
  return {
    caption: `Primary analysis: ${primary.metric}, ${a} vs ${b}, ${primary.followup === 0 ? "at the intervention point" : `follow-up ${primary.followup}`}`,
    header: [
      "Subject",
      "Scenario",
      "Strata",
      `${a} (decided)`,
      `${b} (decided)`,
      "Inconclusive",
      `${a} − ${b} [95% CI]`,
      "Bounds",
      "MH odds ratio [95% CI]",
      "CMH p",
      "p adjusted",
      "Homogeneity p",
      ...(corrected ? ["Corrected for judge error"] : []),
    ],
    rows: [...primary.by_scenario, ...primary.pooled].map((row) => [
      row.subject,
      row.scenario ?? "all scenarios (pooled)",
      String(row.strata),
      `${percent(row.rate_a)} (n ${row.n_a})`,
      `${percent(row.rate_b)} (n ${row.n_b})`,
      `${row.inconclusive_a} / ${row.inconclusive_b}`,
      formatDifference(row.mh_risk_difference, row.mh_risk_difference_ci),
      row.mh_risk_difference_bounds
        ? `${points(row.mh_risk_difference_bounds[0])} to ${points(row.mh_risk_difference_bounds[1])}`
        : "–",
      row.mh_odds_ratio_ci
        ? `${formatRatio(row.mh_odds_ratio)} [${formatRatio(row.mh_odds_ratio_ci[0])}, ${formatRatio(row.mh_odds_ratio_ci[1])}]`
        : formatRatio(row.mh_odds_ratio),
      formatP(row.cmh_p),
      row.scenario === null ? "(not adjusted)" : formatP(row.cmh_p_adjusted),
      formatP(row.homogeneity_p),
      ...(corrected ? [formatCorrectedDifference(row)] : []),
    ]),
    note: familyNote(analysis.families, "primary"),
  };
}

function formatCorrectedDifference(row: PrimaryEstimate): string {
  const corrected = row.corrected;
  if (!corrected) return "–";
  return `${formatDifference(corrected.risk_difference, corrected.ci)} (${corrected.labels} labels, ${corrected.source})`;
}

/** Does the contrast differ between subjects? One row per shared scenario, then pooled. */
export function betweenSubjectsTable(analysis: Pick<RunAnalysis, "primary">): Table | null {
  const between = analysis.primary.between_subjects;
  if (!between) return null;
  return {
    caption: "Does the primary contrast differ between subjects?",
    header: [
      "Scenario",
      "Each subject's risk difference [95% CI]",
      "Cochran's Q",
      "df",
      "p",
      "Difference of risk differences",
    ],
    rows: between.rows.map((row) => [
      row.scenario ?? "all scenarios (pooled)",
      row.estimates
        .map(
          (estimate) =>
            `${estimate.subject}: ${formatDifference(estimate.mh_risk_difference, estimate.mh_risk_difference_ci)}`,
        )
        .join("; "),
      row.q === null ? "–" : row.q.toFixed(2),
      String(row.df),
      formatP(row.p),
      row.risk_difference_difference === null
        ? "(three or more subjects: Q only)"
        : `${row.subjects[0]} − ${row.subjects[1]}: ${formatDifference(row.risk_difference_difference, row.risk_difference_difference_ci)}`,
    ]),
    note: `Method: ${between.method}. Not adjusted: one test per row, reported as it is.`,
  };
}

/** One table per subject × scenario × factor levels: the arms side by side at one follow-up. */
export function armTables(analysis: RunAnalysis, followup: number): Table[] {
  const groups = new Map<string, Cell[]>();
  for (const cell of analysis.cells.filter((candidate) => candidate.followup === followup)) {
    const caption = [cell.subject, cell.scenario, describeFactors(cell.factors)]
      .filter(Boolean)
      .join(" · ");
    groups.set(caption, [...(groups.get(caption) ?? []), cell]);
  }
  return [...groups].map(([caption, cells]) => {
    const corrected = cells.some((cell) => cell.undesired_corrected);
    return {
      caption,
      header: [
        "Arm",
        "Judged turns",
        "Undesired",
        ...(corrected ? ["Undesired, corrected for judge error"] : []),
        "Reason-based deception",
        "Missing reasoning",
      ],
      rows: cells.map((cell) => [
        cell.arm,
        String(cell.trials),
        formatProportion(cell.undesired),
        ...(corrected ? [formatCorrected(cell)] : []),
        formatProportion(cell.deception),
        formatProportion(cell.missing_reasoning),
      ]),
    };
  });
}

/**
 * The rates the deception table shows. `deception_missing_given_undesired` is in the JSON but not
 * here: it equals missing reasoning among undesired turns but for hidden reasoning (not missing for
 * the first, undecided for the second), and two columns that read the same confuse.
 */
export const DECEPTION_METRICS = [
  "deception_missing",
  "deception_inconsistent",
  "deception_inconsistent_given_undesired",
  "missing_reasoning_given_undesired",
  "missing_reasoning_given_not_undesired",
] as const satisfies readonly CellMetric[];

/** What the deception table's rates count; the report and the viewer print it under the table. */
export const DECEPTION_TABLE_NOTE =
  "The first two are rates over all judged turns; the rest are among the turns judged undesired (or not undesired). Reasoning missing among undesired turns is the missing kind's rate among them. Provider-hidden reasoning is not missing: it is counted inconclusive for the inconsistent kind and for missing reasoning.";

/** Reason-based deception in its two kinds, and missing reasoning by what the output was. */
export function deceptionTable(analysis: RunAnalysis, followup: number): Table {
  return {
    caption: `Reason-based deception in its two kinds at ${followupWords(followup)}`,
    header: ["Cell · arm", ...DECEPTION_METRICS.map((metric) => METRIC_TITLES[metric])],
    rows: analysis.cells
      .filter((cell) => cell.followup === followup)
      .map((cell) => [
        [cell.subject, cell.scenario, describeFactors(cell.factors), cell.arm]
          .filter(Boolean)
          .join(" · "),
        ...DECEPTION_METRICS.map((metric) => formatProportion(cell[metric])),
      ]),
    note: DECEPTION_TABLE_NOTE,
  };
}

export function comparisonTable(analysis: RunAnalysis, family: string): Table | null {
  const rows = analysis.comparisons.filter((comparison) => comparison.family === family);
  const first = rows[0];
  if (!first) return null;
  return {
    caption:
      first.followup === 0
        ? `Baseline: ${first.a} − ${first.b} at the intervention point`
        : `${capitalise(first.a)} − ${first.b} at follow-up ${first.followup}`,
    header: [
      "Subject",
      "Scenario",
      "Factors",
      "Metric",
      first.a,
      first.b,
      "Difference [95% CI]",
      "n",
      "p",
      "p adjusted",
      "Method",
    ],
    rows: rows.map((comparison) => [
      comparison.subject,
      comparison.scenario,
      describeFactors(comparison.factors),
      comparison.metric,
      percent(comparison.rate_a),
      percent(comparison.rate_b),
      formatDifference(comparison.diff, comparison.ci),
      describeN(comparison),
      formatP(comparison.p),
      formatP(comparison.p_adjusted),
      comparison.method === "mcnemar-paired" ? "paired (McNemar)" : "unpaired (Fisher)",
    ]),
    note: familyNote(analysis.families, family),
  };
}

function describeN(comparison: Comparison): string {
  return Array.isArray(comparison.n)
    ? comparison.n.join(" / ")
    : `${comparison.pairs ?? comparison.n} pairs`;
}

/** The line under a table of tests: which family its adjusted p-values were adjusted within. */
export function familyNote(families: readonly TestFamily[], name: string): string {
  const family = families.find((candidate) => candidate.name === name);
  return family
    ? `Adjusted p: family "${family.name}", ${family.description}.`
    : `Adjusted p: family "${name}".`;
}

/** Undesired rate per arm at every follow-up: does the intervention's effect last? */
export function persistenceTable(analysis: RunAnalysis): Table | null {
  const followups = [...new Set(analysis.cells.map((cell) => cell.followup))].sort((a, b) => a - b);
  if (followups.filter((followup) => followup >= 1).length < 2) return null;
  const rows = new Map<string, string[]>();
  for (const cell of analysis.cells) {
    const key = [cell.subject, cell.scenario, describeFactors(cell.factors), cell.arm].join(" · ");
    const row = rows.get(key) ?? [key, ...followups.map(() => "–")];
    row[followups.indexOf(cell.followup) + 1] = formatProportion(cell.undesired);
    rows.set(key, row);
  }
  return {
    caption: "Undesired output by follow-up (0: the model's own reply at the intervention point)",
    header: ["Cell · arm", ...followups.map((followup) => `Follow-up ${followup}`)],
    rows: [...rows.values()],
  };
}

/** Tokens and cost per model; the cost leaves out calls served from the cache. */
export function usageTable(analysis: RunAnalysis): Table {
  return {
    caption: "Tokens and cost",
    header: ["Model", "Role", "Calls", "Cached", "Input tokens", "Output tokens", "Cost (USD)"],
    rows: analysis.usage.map((usage) => [
      usage.model,
      usage.role,
      String(usage.calls),
      String(usage.cachedCalls),
      String(usage.inputTokens),
      String(usage.outputTokens),
      usage.costUsd === null ? "unknown (no price)" : usage.costUsd.toFixed(4),
    ]),
  };
}

/** Odds ratios per term against named baselines, the arm's averaged effect, or why not. */
export function factorEffectTables(analysis: RunAnalysis): Table[] {
  return analysis.factor_effects.map((effect) => ({
    caption: `${effect.subject} · ${effect.scenario}: ${effect.model}, ${effect.observations} turns in ${effect.clusters} clusters`,
    header: ["Term (against its baseline)", "Estimate [95% CI]", "p", "p adjusted"],
    rows: effect.problem
      ? [["not estimable", effect.problem, "", ""]]
      : [
          ...effect.terms.map((term) => [
            `${term.label} (conditional odds ratio)`,
            `${formatRatio(term.odds_ratio)} [${formatRatio(term.ci[0])}, ${formatRatio(term.ci[1])}]`,
            formatP(term.p),
            formatP(term.p_adjusted),
          ]),
          ...effect.marginal.map((marginal) => [
            `arm ${marginal.arm} vs ${marginal.baseline_arm}, averaged over ${marginal.averaged_over.join(", ") || "nothing else"} (difference in probability)`,
            formatDifference(marginal.difference, marginal.ci),
            "",
            "",
          ]),
        ],
    note: effect.problem
      ? undefined
      : `Baselines: ${Object.entries(effect.baselines)
          .map(([factor, level]) => `${factor}=${level}`)
          .join(
            ", ",
          )}. With interactions, an odds ratio is the effect at the other factors' baselines; the averaged difference is over their levels. ${familyNote(analysis.families, "factor-effects")}`,
  }));
}

/** Kappa per judge pair and alpha overall, or nothing when a single judge gave verdicts. */
export function agreementTable(analysis: RunAnalysis): Table | null {
  const { pairs, overall } = analysis.judge_agreement;
  if (!overall) return null;
  const show = (value: number | null, ci: [number, number] | null) =>
    value === null || !ci ? "–" : `${value.toFixed(3)} [${ci[0].toFixed(3)}, ${ci[1].toFixed(3)}]`;
  return {
    caption: "Judge agreement on undesired output (inconclusive verdicts left out)",
    header: ["Judges", "Turns", "Agreement [95% CI]"],
    rows: [
      ...pairs.map((pair) => [
        `${pair.a} vs ${pair.b} (Cohen's kappa)`,
        String(pair.n),
        show(pair.kappa, pair.ci),
      ]),
      ["all judges (Krippendorff's alpha)", String(overall.units), show(overall.alpha, overall.ci)],
    ],
  };
}

export function formatCorrected(cell: Pick<Cell, "undesired_corrected">): string {
  const corrected = cell.undesired_corrected;
  if (!corrected || !Number.isFinite(corrected.rate)) return "– (not estimable)";
  return `${percent(corrected.rate)} ${formatInterval(corrected.ci)} (${corrected.labels} labels)`;
}

/** The follow-up the arms and their contrast are shown at: the primary one, or 1 for a baseline primary. */
export function shownFollowup(analysis: Pick<RunAnalysis, "primary">): number {
  return Math.max(1, analysis.primary.followup);
}

export function followupWords(followup: number): string {
  return followup === 0 ? "the intervention point" : `follow-up ${followup}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
