import type { Judge } from "../judges/judge.ts";
import { judgeTurn } from "../judges/judge-turn.ts";
import { expandFollowup } from "../spec/expand-followups.ts";
import { variablesFor } from "../spec/factor-combinations.ts";
import type { LoadedExperiment } from "../spec/load-experiment.ts";
import type { CheckSpec, ScenarioSpec, StepExamples } from "../spec/scenario.ts";
import type { TrialResult } from "../spec/trial-record.ts";
import type { RunStore } from "../store/run-store.ts";
import { type JudgedTurnVerdicts, writeVerdictSet } from "../store/write-verdict-set.ts";
import { renderExamples } from "./run-trial.ts";

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
  const stepsByScenario = new Map(
    experiment.scenarios.map((scenario) => [
      scenario.loaded.spec.id,
      judgedSteps(scenario.loaded.spec),
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
      stepsByScenario.get(trial.scenarioId) ?? new Map(),
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
  steps: ReadonlyMap<string, JudgedStep>,
  judges: readonly Judge[],
): Promise<JudgedTurnVerdicts[]> {
  const judged: JudgedTurnVerdicts[] = [];
  const variables = variablesFor(scenario, trial.levels);
  for (const turn of trial.turns) {
    if (!turn.judged || !turn.parsed) continue;
    const conversation = trial.turns
      .slice(0, turn.index + 1)
      .map((earlier) => ({ role: earlier.role, content: earlier.content }));
    const { verdicts, outcome } = await judgeTurn(judges, {
      scenario,
      conversation,
      turn: { text: turn.content, ...turn.parsed },
      checks: steps.get(turn.stepId ?? "")?.checks ?? [],
      ...examplesFor(steps.get(turn.stepId ?? ""), variables),
    });
    judged.push({ turnIndex: turn.index, followup: turn.followup, verdicts, outcome });
  }
  return judged;
}

type JudgedStep = { checks?: CheckSpec[]; examples?: StepExamples };

/** Each judged step under the ids its turns carry (a follow-up list plays as id-1, id-2, …). */
function judgedSteps(scenario: ScenarioSpec): Map<string, JudgedStep> {
  const steps = new Map<string, JudgedStep>();
  for (const step of scenario.steps) {
    if (step.role === "followup")
      for (const played of expandFollowup(step)) steps.set(played.id, step);
    else if ((step.role === "generate" || step.role === "intervention") && step.id)
      steps.set(step.id, step);
  }
  return steps;
}

function examplesFor(
  step: JudgedStep | undefined,
  variables: Readonly<Record<string, string>>,
): { examples?: StepExamples } {
  return step?.examples ? { examples: renderExamples(step.examples, variables) } : {};
}
