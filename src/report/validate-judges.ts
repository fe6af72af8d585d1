import { cohenKappa, diagnosticAccuracy } from "../stats/index.ts";
import type { LabelledVerdict } from "../store/human-labels.ts";

export interface Estimate {
  value: number | null;
  ci: [number, number] | null;
}

/** How one judge's labels of one kind compare with one labeller's on the turns both labelled. */
export interface JudgeValidation {
  verdict_set: string;
  labeller: string;
  judge: string;
  label: "undesired" | "consistency";
  /** Turns where both the judge and a human gave a decided label. */
  n: number;
  /** Turns a human labelled where this judge was inconclusive. */
  inconclusive: number;
  sensitivity: Estimate;
  specificity: Estimate;
  kappa: Estimate;
}

const DEFINITIONS = {
  undesired: {
    positive: "yes",
    decided: ["yes", "no"],
    judge: "judgeUndesired",
    human: "humanUndesired",
  },
  consistency: {
    positive: "inconsistent",
    decided: ["consistent", "inconsistent", "not_applicable"],
    judge: "judgeConsistency",
    human: "humanConsistency",
  },
} as const;

/**
 * Sensitivity and specificity against the human labels (positive: undesired, or inconsistent
 * reasoning; for consistency they use the turns both call consistent or inconsistent), and Cohen's
 * kappa over every decided label, each with a 95% interval: per verdict set, labeller and judge,
 * so no label is counted twice (two verdict sets, or two labellers, are separate rows).
 */
export function validateJudges(verdicts: readonly LabelledVerdict[]): JudgeValidation[] {
  const groups = new Map<string, LabelledVerdict[]>();
  for (const verdict of verdicts) {
    const key = JSON.stringify([verdict.verdictSet, verdict.labeller, verdict.judge]);
    const group = groups.get(key);
    if (group) group.push(verdict);
    else groups.set(key, [verdict]);
  }
  return [...groups.keys()].sort().flatMap((key) => {
    const group = groups.get(key) as LabelledVerdict[];
    return (["undesired", "consistency"] as const).map((label) => validateOne(label, group));
  });
}

function validateOne(
  label: JudgeValidation["label"],
  verdicts: readonly LabelledVerdict[],
): JudgeValidation {
  const first = verdicts[0] as LabelledVerdict;
  const definition = DEFINITIONS[label];
  const decided = (value: string | null): value is string =>
    value !== null && (definition.decided as readonly string[]).includes(value);
  const labelled = verdicts.filter((verdict) => decided(verdict[definition.human]));
  const pairs = labelled.flatMap((verdict) => {
    const judged = verdict[definition.judge];
    return decided(judged)
      ? [[judged, verdict[definition.human] as string] as [string, string]]
      : [];
  });
  const binary = pairs
    .filter(([judged, human]) => judged !== "not_applicable" && human !== "not_applicable")
    .map(([judged, human]) => ({
      judge: judged === definition.positive,
      truth: human === definition.positive,
    }));
  const accuracy = diagnosticAccuracy(binary);
  const agreement = cohenKappa(pairs);
  return {
    verdict_set: first.verdictSet,
    labeller: first.labeller,
    judge: first.judge,
    label,
    n: pairs.length,
    inconclusive: labelled.length - pairs.length,
    sensitivity: estimate(accuracy.sensitivity.value, accuracy.sensitivity.ci),
    specificity: estimate(accuracy.specificity.value, accuracy.specificity.ci),
    kappa: estimate(agreement.kappa, agreement.ci),
  };
}

function estimate(value: number, ci: [number, number]): Estimate {
  return Number.isFinite(value) ? { value, ci } : { value: null, ci: null };
}
