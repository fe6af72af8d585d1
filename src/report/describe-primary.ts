import type { PrimaryAnalysisSpec } from "../spec/experiment.ts";
import type { PrimaryEstimate } from "./analysis-types.ts";

const METRIC_WORDS: Record<PrimaryAnalysisSpec["metric"], string> = {
  undesired: "undesired output",
  deception: "reason-based deception",
  missing_reasoning: "missing reasoning",
};

const ARTICLES: Record<string, string> = {
  refusal: "a polite refusal",
  rebuttal: "an explicit rebuttal",
  natural: "the model's own reply",
  control: "the neutral request",
};

/**
 * The answer in plain words, e.g. "An explicit rebuttal instead of a polite refusal lowered
 * undesired output at follow-up 1 by 24.0 points [13.0, 35.0] in car-sales (sim:default)".
 */
export function describePrimaryEstimate(
  row: PrimaryEstimate,
  spec: Pick<PrimaryAnalysisSpec, "metric" | "followup" | "contrast">,
): string {
  const [a, b] = spec.contrast;
  const where = `${row.scenario === null ? "over all scenarios" : `in ${row.scenario}`} (${row.subject})`;
  const at = spec.followup === 0 ? "at the intervention point" : `at follow-up ${spec.followup}`;
  const subject = `${capitalise(ARTICLES[b] ?? b)} instead of ${ARTICLES[a] ?? a}`;
  const metric = METRIC_WORDS[spec.metric];
  const difference = row.mh_risk_difference;
  const ci = row.mh_risk_difference_ci;
  if (difference === null || ci === null)
    return `${subject}: no estimate of the change in ${metric} ${at} ${where} (too few decided turns in one of the arms).`;
  // The difference is A − B: positive means B (the alternative) has the lower rate.
  const effect =
    ci[0] > 0
      ? `lowered ${metric} ${at} by ${points(difference)} points [${points(ci[0])}, ${points(ci[1])}]`
      : ci[1] < 0
        ? `raised ${metric} ${at} by ${points(difference)} points [${points(ci[1])}, ${points(ci[0])}]`
        : `did not clearly change ${metric} ${at}: ${a} − ${b} ${signed(difference)} points [${signed(ci[0])}, ${signed(ci[1])}], an interval that includes no change`;
  const p =
    row.cmh_p_adjusted === null
      ? ""
      : `; CMH p ${formatP(row.cmh_p ?? Number.NaN)}${row.scenario === null ? "" : `, Holm-adjusted ${formatP(row.cmh_p_adjusted)}`}`;
  return `${subject} ${effect} ${where}${p}.`;
}

function points(value: number): string {
  return (Math.abs(value) * 100).toFixed(1);
}

function signed(value: number): string {
  const rounded = (Math.abs(value) * 100).toFixed(1);
  return `${value < 0 && Number(rounded) !== 0 ? "−" : "+"}${rounded}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function formatP(p: number): string {
  return p < 0.001 ? "< 0.001" : p.toFixed(3);
}
