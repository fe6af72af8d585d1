import { factorCombinations } from "../spec/factor-combinations.ts";
import type { LoadedExperiment } from "../spec/load-experiment.ts";
import { cmhSampleSize } from "../stats/cmh-power.ts";

export interface SampleSizeQuestion {
  /** The difference between the contrast's two arms' rates to detect. */
  detect: number;
  power: number;
  alpha: number;
  /** The rate in the lower arm; unset, the rates straddle 50%, where the most samples are needed. */
  baseline?: number;
  /** The expected share of judged turns whose verdict is inconclusive (left out of the test). */
  inconclusiveFraction: number;
}

export interface ScenarioSize {
  scenario: string;
  /** The scenario's factor-level cells: the strata of its primary test. */
  strata: number;
  /** Decided turns needed per arm in each cell. */
  decided_per_arm_per_cell: number;
  /** Samples per cell once inconclusive verdicts are allowed for. */
  samples: number;
  /** Simulated power of the scenario's CMH test at the decided size, after the family's adjustment. */
  achieved_power: number;
  achieved_power_se: number;
}

export interface SampleSizeAnswer {
  rates: [number, number];
  /** Tests in the primary family: one per subject and scenario, Holm-adjusted. */
  family_size: number;
  by_scenario: ScenarioSize[];
  /** Samples per cell for the whole experiment: enough for every scenario. */
  samples: number;
}

/**
 * Samples per cell for the declared primary analysis: per scenario, the smallest size at which
 * the very test the report runs (a two-sided Cochran–Mantel–Haenszel test over the scenario's
 * cells) reaches the power asked for, by simulation, at alpha divided by the number of tests in
 * the Holm family (Holm's first step, so each test's power under Holm is at least this); then
 * inflated for the expected inconclusive fraction, which leaves the test.
 */
export function planSampleSize(
  experiment: LoadedExperiment,
  question: SampleSizeQuestion,
): SampleSizeAnswer {
  const lower = question.baseline ?? 0.5 - question.detect / 2;
  const higher = lower + question.detect;
  if (lower <= 0 || higher >= 1) {
    throw new RangeError(
      `rates ${lower.toFixed(3)} and ${higher.toFixed(3)} must both lie strictly between 0 and 1`,
    );
  }
  const familySize = experiment.spec.subjects.length * experiment.scenarios.length;
  const byScenario = experiment.scenarios.map((scenario): ScenarioSize => {
    const strata = factorCombinations(scenario.loaded.spec, scenario.levels).length;
    const size = cmhSampleSize({
      strata,
      rateA: higher,
      rateB: lower,
      alpha: question.alpha,
      power: question.power,
      familySize,
      inconclusiveFraction: question.inconclusiveFraction,
    });
    return {
      scenario: scenario.loaded.spec.id,
      strata,
      decided_per_arm_per_cell: size.decidedPerArmPerStratum,
      samples: size.plannedPerArmPerStratum,
      achieved_power: size.achievedPower,
      achieved_power_se: size.standardError,
    };
  });
  return {
    rates: [lower, higher],
    family_size: familySize,
    by_scenario: byScenario,
    samples: Math.max(...byScenario.map((row) => row.samples)),
  };
}
