import { benjaminiHochbergAdjust, holmAdjust } from "../stats/index.ts";
import type { Comparison, PAdjustment, PrimaryAnalysis, TestFamily } from "./analysis-types.ts";
import type { FactorEffect } from "./factor-effects.ts";

/** The family of the primary analysis's per-scenario tests. */
export const PRIMARY_FAMILY = "primary";
/** The family of every factor-effect term's test. */
export const FACTOR_EFFECTS_FAMILY = "factor-effects";

export function adjustPValues(pValues: readonly number[], adjustment: PAdjustment): number[] {
  return (adjustment === "holm" ? holmAdjust : benjaminiHochbergAdjust)(pValues);
}

/** Each comparison's p adjusted together with the others of its family, and only with those. */
export function adjustWithinFamilies<Row extends { p: number; family: string }>(
  rows: readonly Row[],
  adjustment: PAdjustment,
): Array<Row & { p_adjusted: number }> {
  const adjusted = rows.map((row) => ({ ...row, p_adjusted: row.p }));
  const families = new Map<string, number[]>();
  adjusted.forEach((row, index) => {
    families.set(row.family, [...(families.get(row.family) ?? []), index]);
  });
  for (const members of families.values()) {
    const values = adjustPValues(
      members.map((index) => adjusted[index]?.p as number),
      adjustment,
    );
    members.forEach((index, position) => {
      const row = adjusted[index];
      if (row) row.p_adjusted = values[position] ?? row.p;
    });
  }
  return adjusted;
}

/** Every family the report adjusts within, with the number of tests and what they are. */
export function describeFamilies(
  primary: PrimaryAnalysis,
  comparisons: readonly Comparison[],
  effects: readonly FactorEffect[],
  adjustment: PAdjustment,
): TestFamily[] {
  const method = adjustment === "holm" ? "Holm" : "Benjamini–Hochberg";
  const [a, b] = primary.contrast;
  const families: TestFamily[] = [
    {
      name: PRIMARY_FAMILY,
      adjustment: "holm",
      tests: primary.by_scenario.filter((row) => row.cmh_p !== null).length,
      description: `the primary analysis: one Cochran–Mantel–Haenszel test per subject and scenario (${primary.metric}, ${a} vs ${b}, follow-up ${primary.followup}), Holm; the pooled tests are reported as they are`,
    },
  ];
  const byFamily = new Map<string, Comparison[]>();
  for (const comparison of comparisons)
    byFamily.set(comparison.family, [...(byFamily.get(comparison.family) ?? []), comparison]);
  for (const [name, rows] of byFamily) {
    const first = rows[0] as Comparison;
    families.push({
      name,
      adjustment,
      tests: rows.length,
      description:
        name === "baseline"
          ? `exploratory: natural − control at the intervention point, every cell and metric (${rows.length} tests), ${method}`
          : `exploratory: ${first.a} − ${first.b} at follow-up ${first.followup}, every cell and metric (${rows.length} tests), ${method}`,
    });
  }
  const terms = effects.reduce((sum, effect) => sum + effect.terms.length, 0);
  if (terms > 0) {
    families.push({
      name: FACTOR_EFFECTS_FAMILY,
      adjustment,
      tests: terms,
      description: `exploratory: every odds-ratio term of every factor-effect model (${terms} tests), ${method}`,
    });
  }
  return families;
}
