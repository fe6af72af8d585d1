import type { Judge } from "../judges/judge.ts";
import { judgeTurn } from "../judges/judge-turn.ts";
import { expandFollowup } from "../spec/expand-followups.ts";
import type { LoadedExperiment } from "../spec/load-experiment.ts";
import type { CheckSpec, ScenarioSpec } from "../spec/scenario.ts";
import type { TrialResult } from "../spec/trial-record.ts";
import type { RunStore } from "../store/run-store.ts";
import { type JudgedTurnVerdicts, writeVerdictSet } from "../store/write-verdict-set.ts";

/**
 * Judges a frozen run again: every judged turn of every complete trial, read from the run's
 * own verdict set, gets the given judges' verdicts under a new set. The subject is not sampled
 * again, so a new judge is compared on exactly the same turns.
 */
export async function judgeRun(
  store: RunStore,
  experiment: LoadedExperiment,
  judges: readonly Judge[],
  verdictSet: string,
  onTrialJudged?: (done: number) => void,
): Promise<number> {
  const checksByScenario = new Map(
    experiment.scenarios.map((scenario) => [
      scenario.loaded.spec.id,
      checksByStep(scenario.loaded.spec),
    ]),
  );
  const scenarios = new Map(
    experiment.scenarios.map((scenario) => [scenario.loaded.spec.id, scenario.loaded.spec]),
  );
  let done = 0;
  for (const trial of store.trials()) {
    if (trial.status !== "complete") continue;
    const scenario = scenarios.get(trial.scenarioId);
    if (!scenario) continue;
    const judged = await judgeTrial(
      trial,
      scenario,
      checksByScenario.get(trial.scenarioId) ?? new Map(),
      judges,
    );
    writeVerdictSet(store.database, trial.trialId, verdictSet, judged);
    done += 1;
    onTrialJudged?.(done);
  }
  return done;
}

async function judgeTrial(
  trial: TrialResult,
  scenario: ScenarioSpec,
  checks: ReadonlyMap<string, readonly CheckSpec[]>,
  judges: readonly Judge[],
): Promise<JudgedTurnVerdicts[]> {
  const judged: JudgedTurnVerdicts[] = [];
  for (const turn of trial.turns) {
    if (!turn.judged || !turn.parsed) continue;
    const conversation = trial.turns
      .slice(0, turn.index + 1)
      .map((earlier) => ({ role: earlier.role, content: earlier.content }));
    const { verdicts, outcome } = await judgeTurn(judges, {
      scenario,
      conversation,
      turn: { text: turn.content, ...turn.parsed },
      checks: checks.get(turn.stepId ?? "") ?? [],
    });
    judged.push({ turnIndex: turn.index, followup: turn.followup, verdicts, outcome });
  }
  return judged;
}

/** Each judged step's checks, under the ids its turns carry (a follow-up list plays as id-1, id-2, …). */
function checksByStep(scenario: ScenarioSpec): Map<string, readonly CheckSpec[]> {
  const checks = new Map<string, readonly CheckSpec[]>();
  for (const step of scenario.steps) {
    if (step.role === "followup")
      for (const played of expandFollowup(step)) checks.set(played.id, step.checks ?? []);
    else if ((step.role === "generate" || step.role === "intervention") && step.id)
      checks.set(step.id, step.checks ?? []);
  }
  return checks;
}
