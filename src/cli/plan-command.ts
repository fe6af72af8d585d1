import { type Command, InvalidArgumentError } from "commander";
import { metricLabelSql } from "../report/outcome-metrics.ts";
import type { Participants } from "../runner/create-participants.ts";
import { estimateCost } from "../runner/estimate-cost.ts";
import { estimateUsage } from "../runner/estimate-usage.ts";
import {
  expandTrials,
  judgedTurnsPerTrial,
  pressurerCallsPerTrial,
  subjectCallsPerTrial,
  type TrialPlan,
} from "../runner/expand-trials.ts";
import { planSampleSize } from "../runner/plan-sample-size.ts";
import { previewTrial } from "../runner/preview-trial.ts";
import { checkTrialCount } from "../spec/count-trials.ts";
import { factorCombinations } from "../spec/factor-combinations.ts";
import { InputError } from "../spec/input-error.ts";
import type { LoadedExperiment } from "../spec/load-experiment.ts";
import { priorInconclusiveFraction } from "../store/prior-inconclusive.ts";
import {
  addExperimentOptions,
  type ExperimentOptions,
  prepareExperiment,
} from "./load-experiment-for-command.ts";
import { DEFAULT_RUNS_DIR, wholeNumber } from "./options.ts";

interface PlanOptions extends ExperimentOptions {
  detect?: number;
  power: number;
  alpha: number;
  baseline?: number;
  inconclusive?: number;
  runsDir: string;
  json?: boolean;
  showPrompts?: boolean;
  trial?: number;
}

export function registerPlanCommand(program: Command): void {
  const command = program
    .command("plan")
    .description(
      "Expand an experiment into trials and count the model calls, without running anything.",
    )
    .argument("<experiment>", "experiment YAML file");
  addExperimentOptions(command)
    .option("--json", "print the plan as JSON")
    .option(
      "--detect <difference>",
      "samples per cell needed to detect this difference between two arms (e.g. 0.15)",
      probability,
    )
    .option("--power <power>", "with --detect: the power wanted", probability, 0.8)
    .option("--alpha <alpha>", "with --detect: the two-sided significance level", probability, 0.05)
    .option(
      "--baseline <rate>",
      "with --detect: the lower arm's rate (default: rates centred on 50%, the most demanding)",
      probability,
    )
    .option(
      "--inconclusive <fraction>",
      "with --detect: the expected share of inconclusive verdicts (default: what these judges gave in earlier runs in --runs-dir, else 0.1)",
      fraction,
    )
    .option("--runs-dir <dir>", "where earlier runs are looked for", DEFAULT_RUNS_DIR)
    .option(
      "--show-prompts",
      "render the exact messages of one trial (model turns shown as placeholders)",
    )
    .option(
      "--trial <index>",
      "which trial --show-prompts renders, by position in the plan",
      wholeNumber,
      0,
    )
    .action(async (file: string, options: PlanOptions) => {
      const { experiment, participants } = prepareExperiment(file, options, "plan");
      if (options.showPrompts) {
        const plans = expandTrials(experiment);
        const plan = plans[options.trial ?? 0];
        if (!plan)
          throw new InputError(`the plan has ${plans.length} trials`, { field: "--trial" });
        process.stdout.write(await previewTrial(plan, experiment));
        return;
      }
      if (options.detect !== undefined) {
        const question = { ...options, detect: options.detect };
        process.stdout.write(
          await describeSampleSize(experiment, participants, question, options.json === true),
        );
        return;
      }
      const summary = await summarizePlan(experiment, participants);
      process.stdout.write(
        options.json ? `${JSON.stringify(summary, null, 2)}\n` : describePlan(summary),
      );
    });
}

/** Counts trials and calls per scenario from its cells and arms, without expanding the plan. */
export async function summarizePlan(experiment: LoadedExperiment, participants: Participants) {
  const usage = await estimateUsage(experiment);
  const cost = estimateCost(usage, experiment.spec.subjects, participants);
  const modelJudges = participants.judges.filter((judge) => judge.usesModel).length;
  const rows = countByScenario(experiment);
  const judgedTurns = rows.reduce((sum, row) => sum + row.judged_turns, 0);
  return {
    experiment: experiment.spec.id,
    primary: experiment.spec.primary,
    subjects: experiment.spec.subjects,
    judges: ["checks", ...experiment.spec.judges],
    arms: experiment.spec.arms,
    samples: experiment.spec.samples,
    trials: rows.reduce((sum, row) => sum + row.trials, 0),
    subject_calls: rows.reduce((sum, row) => sum + row.subject_calls, 0),
    judge_calls: judgedTurns * modelJudges,
    pressurer_calls: rows.reduce((sum, row) => sum + row.pressurer_calls, 0),
    judged_turns: judgedTurns,
    by_scenario: rows,
    estimate: {
      subject_input_tokens: usage.subjectInputTokens * experiment.spec.subjects.length,
      subject_output_tokens_at_most: usage.subjectOutputTokens * experiment.spec.subjects.length,
      judge_input_tokens: usage.judgeInputTokensPerJudge * modelJudges,
      judge_output_tokens: usage.judgeOutputTokensPerJudge * modelJudges,
      max_cost_usd: cost.maxUsd,
      unpriced_models: cost.unpriced,
    },
  };
}

interface ScenarioCounts {
  scenario: string;
  trials: number;
  subject_calls: number;
  judged_turns: number;
  pressurer_calls: number;
}

function countByScenario(experiment: LoadedExperiment): ScenarioCounts[] {
  const { spec, design } = experiment;
  const perCell = spec.samples * spec.subjects.length;
  return experiment.scenarios.map((scenario) => {
    const scenarioId = scenario.loaded.spec.id;
    const entry = {
      scenario: scenarioId,
      trials: 0,
      subject_calls: 0,
      judged_turns: 0,
      pressurer_calls: 0,
    };
    for (const levels of factorCombinations(scenario.loaded.spec, scenario.levels)) {
      for (const arm of spec.arms) {
        // One representative trial per cell and arm: the counts do not depend on the sample.
        const plan: TrialPlan = {
          trialId: "",
          subject: "",
          scenarioId,
          levels,
          arm,
          sample: 0,
          seed: 0,
        };
        entry.trials += perCell;
        entry.subject_calls += perCell * subjectCallsPerTrial(scenario, plan, design);
        entry.judged_turns += perCell * judgedTurnsPerTrial(scenario, plan, design);
        entry.pressurer_calls += perCell * pressurerCallsPerTrial(scenario, plan);
      }
    }
    return entry;
  });
}

function describePlan(summary: Awaited<ReturnType<typeof summarizePlan>>): string {
  const { estimate } = summary;
  const { primary } = summary;
  const lines = [
    `experiment ${summary.experiment}: ${summary.trials} trials, ${summary.subject_calls} subject model calls, ${summary.judge_calls} judge model calls`,
    `primary analysis: ${primary.metric} at ${primary.followup === 0 ? "the intervention point" : `follow-up ${primary.followup}`}, ${primary.contrast[0]} vs ${primary.contrast[1]} (Cochran–Mantel–Haenszel per scenario over its cells, Holm across scenarios)`,
    `subjects: ${summary.subjects.join(", ")}; judges: ${summary.judges.join(", ")}; arms: ${summary.arms.join(", ")}; ${summary.samples} samples per cell`,
    ...summary.by_scenario.map(
      (row) =>
        `  ${row.scenario}: ${row.trials} trials, ${row.subject_calls} subject calls, ${row.judged_turns} judged turns`,
    ),
    `tokens: about ${estimate.subject_input_tokens} in and at most ${estimate.subject_output_tokens_at_most} out for subjects; about ${estimate.judge_input_tokens} in and ${estimate.judge_output_tokens} out for model judges`,
    `cost: ${describeCeiling(estimate.max_cost_usd, estimate.unpriced_models)} (prices from profiles/prices.yaml or the experiment's models: settings)`,
  ];
  return `${lines.join("\n")}\n`;
}

function fraction(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0 || number >= 1)
    throw new InvalidArgumentError("expected a number from 0 up to (not including) 1");
  return number;
}

function probability(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || number >= 1)
    throw new InvalidArgumentError("expected a number between 0 and 1");
  return number;
}

/**
 * Samples per cell for the declared primary analysis to detect the difference asked with the power
 * asked, and what running the experiment at that size implies.
 */
async function describeSampleSize(
  experiment: LoadedExperiment,
  participants: Participants,
  options: PlanOptions & { detect: number },
  json: boolean,
): Promise<string> {
  const { primary, judges } = experiment.spec;
  const prior =
    options.inconclusive === undefined
      ? priorInconclusiveFraction(
          options.runsDir,
          ["checks", ...judges],
          primary,
          metricLabelSql(primary.metric),
        )
      : undefined;
  const inconclusiveFraction = options.inconclusive ?? prior?.fraction ?? 0.1;
  const inconclusiveSource =
    options.inconclusive !== undefined
      ? "--inconclusive"
      : prior
        ? `${prior.runs} earlier run(s) with the same judges in ${options.runsDir} (${prior.turns} judged turns)`
        : "assumed: no earlier run with the same judges";
  let answer: ReturnType<typeof planSampleSize>;
  try {
    answer = planSampleSize(experiment, {
      detect: options.detect,
      power: options.power,
      alpha: options.alpha,
      inconclusiveFraction,
      ...(options.baseline !== undefined ? { baseline: options.baseline } : {}),
    });
  } catch (error) {
    throw new InputError((error as Error).message, { field: "--detect" });
  }
  const sized = { ...experiment, spec: { ...experiment.spec, samples: answer.samples } };
  checkTrialCount(sized, { field: "--detect" });
  const summary = await summarizePlan(sized, participants);
  const result = {
    detect: options.detect,
    power: options.power,
    alpha: options.alpha,
    primary,
    rates: answer.rates,
    family_size: answer.family_size,
    inconclusive_fraction: inconclusiveFraction,
    inconclusive_source: inconclusiveSource,
    by_scenario: answer.by_scenario,
    samples: answer.samples,
    trials: summary.trials,
    subject_calls: summary.subject_calls,
    judge_calls: summary.judge_calls,
    max_cost_usd: summary.estimate.max_cost_usd,
    unpriced_models: summary.estimate.unpriced_models,
  };
  if (json) return `${JSON.stringify(result, null, 2)}\n`;
  const [a, b] = primary.contrast;
  return [
    `to detect ${a} vs ${b} at ${result.rates[1].toFixed(3)} vs ${result.rates[0].toFixed(3)} in ${primary.metric} with power ${options.power} at two-sided alpha ${options.alpha}, Holm over ${result.family_size} test(s) (each test run at ${(options.alpha / result.family_size).toPrecision(3)}):`,
    `inconclusive verdicts expected: ${(inconclusiveFraction * 100).toFixed(1)}% (${inconclusiveSource})`,
    ...result.by_scenario.map(
      (row) =>
        `  ${row.scenario}: ${row.strata} cells; ${row.decided_per_arm_per_cell} decided turns per arm per cell give simulated power ${row.achieved_power.toFixed(3)} (± ${row.achieved_power_se.toFixed(3)}); ${row.samples} samples per cell`,
    ),
    `samples: ${result.samples} per cell -> ${result.trials} trials, ${result.subject_calls} subject calls, ${result.judge_calls} judge calls, cost ${describeCeiling(result.max_cost_usd, result.unpriced_models)}`,
    "",
  ].join("\n");
}

/** The cost ceiling; a model without a price makes it unknown, never zero. */
function describeCeiling(maxUsd: number, unpriced: readonly string[]): string {
  if (unpriced.length === 0) return `at most $${maxUsd.toFixed(2)}`;
  const names = [...new Set(unpriced)].join(", ");
  return `unknown (prices unknown for: ${names}; the priced models at most $${maxUsd.toFixed(2)})`;
}
