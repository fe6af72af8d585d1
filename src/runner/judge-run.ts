import type { Judge } from "../judges/judge.ts";
import { judgeTurn } from "../judges/judge-turn.ts";
import { stopsTheRun } from "../providers/fatal-failure.ts";
import { variablesFor } from "../spec/factor-combinations.ts";
import { type JudgedStep, judgedSteps } from "../spec/judged-view.ts";
import type { LoadedExperiment } from "../spec/load-experiment.ts";
import type { MeasurementDesign } from "../spec/measurement-design.ts";
import type { ScenarioSpec } from "../spec/scenario.ts";
import type { TrialResult } from "../spec/trial-record.ts";
import type { RunStore } from "../store/run-store.ts";
import {
  type JudgedTurnVerdicts,
  trialsInVerdictSet,
  writeVerdictSet,
} from "../store/write-verdict-set.ts";
import { judgeInputFor } from "./judge-input.ts";

export interface JudgeRunOptions {
  /** Aborted on Ctrl-C: the trial being judged is finished and written, no other starts. */
  signal?: AbortSignal;
  /** After each trial is written: how many of this session's trials are judged so far. */
  onTrialJudged?: (trial: TrialResult, progress: { done: number; total: number }) => void;
}

export interface JudgeRunSummary {
  /** Trials judged by this call. */
  judged: number;
  /** Trials the set already had (an interrupted set being finished): not judged again. */
  alreadyJudged: number;
  /** Complete trials of the run, which a whole set covers. */
  total: number;
  stoppedBecause?: string;
}

/**
 * Judges a frozen run again: every judged turn of every complete trial, read from the run's
 * own verdict set, gets the given judges' verdicts under a new set. The subject is not sampled
 * again, so a new judge is compared on exactly the same turns, under the run's own design.
 * Trials the set already has are skipped, so an interrupted set is finished, not redone; each
 * trial's verdicts are written in one transaction as it is judged.
 */
export async function judgeRun(
  store: RunStore,
  experiment: LoadedExperiment,
  judges: readonly Judge[],
  verdictSet: string,
  options: JudgeRunOptions = {},
): Promise<JudgeRunSummary> {
  const stepsByScenario = new Map(
    experiment.scenarios.map((scenario) => [
      scenario.loaded.spec.id,
      judgedSteps(scenario.loaded.spec),
    ]),
  );
  const scenarios = new Map(
    experiment.scenarios.map((scenario) => [scenario.loaded.spec.id, scenario.loaded.spec]),
  );
  const already = trialsInVerdictSet(store.database, verdictSet);
  const total = store.statusCounts().complete;
  const alreadyJudged = Math.min(already.size, total);
  const toJudge = total - alreadyJudged;
  let done = 0;
  for (const trial of store.trials()) {
    if (trial.status !== "complete" || already.has(trial.trialId)) continue;
    if (options.signal?.aborted)
      return { judged: done, alreadyJudged, total, stoppedBecause: "interrupted" };
    const scenario = scenarios.get(trial.scenarioId);
    if (!scenario) continue;
    let judged: JudgedTurnVerdicts[];
    try {
      judged = await judgeTrial(trial, {
        scenario,
        steps: stepsByScenario.get(trial.scenarioId) ?? new Map(),
        judges,
        design: experiment.design,
      });
    } catch (error) {
      // A 401 or a missing model would fail every trial alike: the set stays partial, said why.
      if (!stopsTheRun(error)) throw error;
      return { judged: done, alreadyJudged, total, stoppedBecause: error.message };
    }
    writeVerdictSet(store.database, trial.trialId, verdictSet, judged);
    done += 1;
    options.onTrialJudged?.(trial, { done, total: toJudge });
  }
  return { judged: done, alreadyJudged, total };
}

interface TrialJudging {
  scenario: ScenarioSpec;
  steps: ReadonlyMap<string, JudgedStep>;
  judges: readonly Judge[];
  design: MeasurementDesign;
}

async function judgeTrial(
  trial: TrialResult,
  { scenario, steps, judges, design }: TrialJudging,
): Promise<JudgedTurnVerdicts[]> {
  const judged: JudgedTurnVerdicts[] = [];
  const variables = variablesFor(scenario, trial.levels);
  for (const turn of trial.turns) {
    if (!turn.judged || !turn.parsed) continue;
    const input = judgeInputFor({
      scenario,
      variables,
      design,
      turns: trial.turns.slice(0, turn.index + 1),
      step: steps.get(turn.stepId ?? ""),
    });
    const { verdicts, outcome } = await judgeTurn(judges, input, design);
    judged.push({ turnIndex: turn.index, followup: turn.followup, verdicts, outcome });
  }
  return judged;
}
