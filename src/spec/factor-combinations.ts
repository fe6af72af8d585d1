import type { ScenarioSpec } from "./scenario.ts";

export type FactorLevels = Readonly<Record<string, string>>;

/** Every combination of the chosen levels, factors in declaration order, levels in list order. */
export function factorCombinations(
  scenario: ScenarioSpec,
  chosenLevels: Readonly<Record<string, readonly string[]>> = {},
): FactorLevels[] {
  let combinations: Record<string, string>[] = [{}];
  for (const [factor, definition] of Object.entries(scenario.factors)) {
    const levels = chosenLevels[factor] ?? Object.keys(definition.levels);
    combinations = combinations.flatMap((partial) =>
      levels.map((level) => ({ ...partial, [factor]: level })),
    );
  }
  return combinations;
}

/** Scenario variables overlaid with the variables of each chosen level. */
export function variablesFor(scenario: ScenarioSpec, levels: FactorLevels): Record<string, string> {
  const variables: Record<string, string> = { ...scenario.variables };
  for (const [factor, level] of Object.entries(levels)) {
    Object.assign(variables, scenario.factors[factor]?.levels[level] ?? {});
  }
  return variables;
}

/** Whether a step's `when` condition holds at these levels. */
export function stepApplies(
  when: Readonly<Record<string, string | string[]>> | undefined,
  levels: FactorLevels,
): boolean {
  if (!when) return true;
  return Object.entries(when).every(([factor, accepted]) => {
    const level = levels[factor];
    return level !== undefined && (Array.isArray(accepted) ? accepted : [accepted]).includes(level);
  });
}

/** `attribute=race, delivery=split` */
export function describeFactors(factors: FactorLevels): string {
  return Object.entries(factors)
    .map(([factor, level]) => `${factor}=${level}`)
    .join(", ");
}
