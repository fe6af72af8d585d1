import { SeededRandom } from "../providers/sim/seeded-random.ts";
import { expandFollowup } from "../spec/expand-followups.ts";
import { factorCombinations, stepApplies } from "../spec/factor-combinations.ts";
import type { ExperimentScenario, LoadedExperiment } from "../spec/load-experiment.ts";
import { sha256 } from "../spec/load-scenario.ts";
import { generatesAtIntervention, type MeasurementDesign } from "../spec/measurement-design.ts";
import type { TrialIdentity } from "../spec/trial-record.ts";

/** One planned conversation: a subject, a scenario at some factor levels, an arm and a sample. */
export type TrialPlan = TrialIdentity;

/**
 * The full matrix, arms of one sample next to each other. Trial ids hash the design cell and the
 * sample index only, so the same experiment always plans the same ids (what resume relies on).
 */
export function expandTrials(experiment: LoadedExperiment): TrialPlan[] {
  const { spec } = experiment;
  const plans: TrialPlan[] = [];
  for (const subject of spec.subjects) {
    for (const scenario of experiment.scenarios) {
      const scenarioId = scenario.loaded.spec.id;
      for (const levels of factorCombinations(scenario.loaded.spec, scenario.levels)) {
        for (let sample = 0; sample < spec.samples; sample++) {
          const seed = SeededRandom.seedFrom(
            spec.seed,
            subject,
            scenarioId,
            stableJson(levels),
            sample,
          );
          for (const arm of spec.arms) {
            const trialId = `t-${sha256(stableJson([subject, scenarioId, levels, arm, sample])).slice(0, 20)}`;
            plans.push({ trialId, subject, scenarioId, levels, arm, sample, seed });
          }
        }
      }
    }
  }
  return plans;
}

/** Model calls one trial makes: generation points, the model's own turn at the intervention, follow-ups. */
export function subjectCallsPerTrial(
  scenario: ExperimentScenario,
  plan: TrialPlan,
  design: MeasurementDesign,
): number {
  return appliedSteps(scenario, plan).reduce((calls, step) => {
    if (step.role === "intervention")
      return calls + (generatesAtIntervention(plan.arm, design) ? 1 : 0);
    if (step.role === "followup") return calls + expandFollowup(step).length;
    return calls + (step.role === "generate" ? 1 : 0);
  }, 0);
}

/** User turns a pressurer model writes in one trial. */
export function pressurerCallsPerTrial(scenario: ExperimentScenario, plan: TrialPlan): number {
  return appliedSteps(scenario, plan).filter(
    (step) => step.role === "followup" && step.pressurer !== undefined,
  ).length;
}

/** Model turns that get judged in one trial. */
export function judgedTurnsPerTrial(
  scenario: ExperimentScenario,
  plan: TrialPlan,
  design: MeasurementDesign,
): number {
  return appliedSteps(scenario, plan).reduce((turns, step) => {
    if (step.role === "intervention") {
      const judged =
        generatesAtIntervention(plan.arm, design) &&
        (plan.arm !== "control" || step.judged_in_control);
      return turns + (judged ? 1 : 0);
    }
    if (step.role === "followup") {
      return (
        turns + (step.judged_in_control || plan.arm !== "control" ? expandFollowup(step).length : 0)
      );
    }
    return turns + (step.role === "generate" && step.judged ? 1 : 0);
  }, 0);
}

function appliedSteps(scenario: ExperimentScenario, plan: TrialPlan) {
  return scenario.loaded.spec.steps.filter(
    (step) => !("when" in step) || stepApplies(step.when, plan.levels, plan.arm),
  );
}

/** JSON with sorted keys, so equal objects hash equally whatever their key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner) =>
    inner && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}
