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

/** The reserved `when` key that names arms instead of a factor. */
export const ARM_CONDITION = "arm";

/**
 * Whether a step's `when` condition holds at these levels in this arm. `arm` names arms, unless
 * the scenario is an old one with a factor of that name (its stored copy plays as it was made).
 */
export function stepApplies(
  when: Readonly<Record<string, string | string[]>> | undefined,
  levels: FactorLevels,
  arm?: string,
): boolean {
  if (!when) return true;
  return Object.entries(when).every(([factor, accepted]) => {
    const namesArm = factor === ARM_CONDITION && !Object.hasOwn(levels, ARM_CONDITION);
    const value = namesArm ? arm : levels[factor];
    return value !== undefined && (Array.isArray(accepted) ? accepted : [accepted]).includes(value);
  });
}

/** `attribute=race, delivery=split` */
export function describeFactors(factors: FactorLevels): string {
  return Object.entries(factors)
    .map(([factor, level]) => `${factor}=${level}`)
    .join(", ");
}
