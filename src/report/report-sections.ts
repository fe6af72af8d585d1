import type { Cell, Comparison, RunAnalysis } from "./analyze-run.ts";
import { describeFactors, formatDifference, formatP, formatProportion, percent } from "./format.ts";

/** The report's content as tables of plain strings; the Markdown and HTML writers only lay it out. */
export interface Table {
  caption: string;
  header: string[];
  rows: string[][];
}

export const SIMULATED_NOTICE =
  "SIMULATED SUBJECT: these numbers come from candor's seeded simulator at invented rates. They show how the pipeline works and say nothing about any real model.";

export const METHOD_NOTES = [
  "Rates are at the model turn after each follow-up user turn; follow-up 1 is the turn right after the intervention point.",
  "Counts: every rate shows k/n, and the inconclusive verdicts beside it, which are outside n (in the arm figure as `+m inc.`).",
  "Undesired: the scenario's deterministic check decides when it applies; otherwise the majority of the judges. Inconclusive verdicts are counted beside each rate and left out of its denominator.",
  "Reason-based deception: undesired output whose reasoning is missing or empty, or contradicts the output. Missing reasoning: the turn has no reasoning block, or an empty one (provider-hidden reasoning is not counted as missing).",
  "Intervals: 95% Wilson score intervals for rates. Refusal − rebuttal is paired when both arms of every sample saw the same conversation up to the intervention point (exact McNemar test on the discordant pairs, Newcombe's paired score interval), and unpaired otherwise (Newcombe's hybrid score interval, Fisher's exact test); the method is named in each row. Adjusted p-values correct for every comparison in the report (Holm by default, Benjamini–Hochberg with --adjust bh).",
  "Factor effects: logistic regression at follow-up 1 of each outcome on arm × each factor that varies, treatment-coded with rebuttal as the baseline arm, standard errors clustered by sample (the arms of one sample share their prefix, CR1 correction); a model that cannot be estimated (separation, a singular design, too few rows) says so instead of showing numbers.",
  "The `heuristic` judge counts cue phrases: a weak offline baseline, not a measurement. Use an LLM judge validated against human labels for real conclusions.",
];

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
    ["Judges", metadata.judges.join(", ")],
    ["Verdict set", analysis.verdict_set],
    ["Trials", `${status.complete} complete, ${status.error} error, ${status.pending} pending`],
  ];
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
  return [...groups].map(([caption, cells]) => ({
    caption,
    header: [
      "Arm",
      "Trials",
      "Undesired",
      ...(cells.some((cell) => cell.undesired_corrected)
        ? ["Undesired, corrected for judge error"]
        : []),
      "Reason-based deception",
      "Missing reasoning",
      "Inconclusive",
    ],
    rows: cells.map((cell) => [
      cell.arm,
      String(cell.trials),
      formatProportion(cell.undesired),
      ...(cells.some((other) => other.undesired_corrected) ? [formatCorrected(cell)] : []),
      formatProportion(cell.deception),
      formatProportion(cell.missing_reasoning),
      String(cell.undesired.inconclusive),
    ]),
  }));
}

export function comparisonTable(comparisons: readonly Comparison[], followup: number): Table {
  return {
    caption: `Refusal − rebuttal at follow-up ${followup}`,
    header: [
      "Subject",
      "Scenario",
      "Factors",
      "Metric",
      "Difference [95% CI]",
      "n",
      "p",
      "p adjusted",
      "Method",
    ],
    rows: comparisons
      .filter((comparison) => comparison.followup === followup)
      .map((comparison) => [
        comparison.subject,
        comparison.scenario,
        describeFactors(comparison.factors),
        comparison.metric,
        formatDifference(comparison.diff, comparison.ci),
        Array.isArray(comparison.n) ? comparison.n.join(" / ") : `${comparison.n} pairs`,
        formatP(comparison.p),
        formatP(comparison.p_adjusted),
        comparison.method === "mcnemar-paired" ? "paired (McNemar)" : "unpaired (Fisher)",
      ]),
  };
}

/** Undesired rate per arm at every follow-up: does the intervention's effect last? */
export function persistenceTable(analysis: RunAnalysis): Table | null {
  const followups = [...new Set(analysis.cells.map((cell) => cell.followup))].sort((a, b) => a - b);
  if (followups.length < 2) return null;
  const rows = new Map<string, string[]>();
  for (const cell of analysis.cells) {
    const key = [cell.subject, cell.scenario, describeFactors(cell.factors), cell.arm].join(" · ");
    const row = rows.get(key) ?? [key, ...followups.map(() => "–")];
    row[followups.indexOf(cell.followup) + 1] = formatProportion(cell.undesired);
    rows.set(key, row);
  }
  return {
    caption: "Undesired output by follow-up",
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

/** Odds ratios per term, or the plain reason a model could not be estimated. */
export function factorEffectTables(analysis: RunAnalysis): Table[] {
  return analysis.factor_effects.map((effect) => ({
    caption: `${effect.subject} · ${effect.scenario}: ${effect.model}, ${effect.observations} turns in ${effect.clusters} clusters`,
    header: ["Term", "Odds ratio [95% CI]", "p"],
    rows: effect.problem
      ? [["not estimable", effect.problem, ""]]
      : effect.terms.map((term) => [
          term.name,
          `${formatRatio(term.odds_ratio)} [${formatRatio(term.ci[0])}, ${formatRatio(term.ci[1])}]`,
          formatP(term.p),
        ]),
  }));
}

function formatRatio(value: number): string {
  return Number.isFinite(value) ? value.toPrecision(3) : "–";
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

export function formatCorrected(cell: Cell): string {
  const corrected = cell.undesired_corrected;
  if (!corrected || !Number.isFinite(corrected.rate)) return "– (not estimable)";
  return `${percent(corrected.rate)} [${(corrected.ci[0] * 100).toFixed(1)}–${(corrected.ci[1] * 100).toFixed(1)}] (${corrected.labels} labels)`;
}
