import { type Command, InvalidArgumentError } from "commander";
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
import { InputError } from "../spec/input-error.ts";
import type { LoadedExperiment } from "../spec/load-experiment.ts";
import {
  addExperimentOptions,
  type ExperimentOptions,
  prepareExperiment,
} from "./load-experiment-for-command.ts";
import { wholeNumber } from "./options.ts";

interface PlanOptions extends ExperimentOptions {
  detect?: number;
  power: number;
  alpha: number;
  baseline?: number;
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
      const { experiment, participants } = prepareExperiment(file, options);
      const plans = expandTrials(experiment);
      if (options.showPrompts) {
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
      const summary = await summarizePlan(experiment, plans, participants);
      process.stdout.write(
        options.json ? `${JSON.stringify(summary, null, 2)}\n` : describePlan(summary),
      );
    });
}

export async function summarizePlan(
  experiment: LoadedExperiment,
  plans: readonly TrialPlan[],
  participants: Participants,
) {
  const usage = await estimateUsage(experiment);
  const cost = estimateCost(usage, experiment.spec.subjects, participants);
  const modelJudges = participants.judges.filter((judge) => judge.usesModel).length;
  const rows = countByScenario(experiment, plans);
  const judgedTurns = rows.reduce((sum, row) => sum + row.judged_turns, 0);
  return {
    experiment: experiment.spec.id,
    subjects: experiment.spec.subjects,
    judges: ["checks", ...experiment.spec.judges],
    arms: experiment.spec.arms,
    samples: experiment.spec.samples,
    trials: plans.length,
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

function countByScenario(
  experiment: LoadedExperiment,
  plans: readonly TrialPlan[],
): ScenarioCounts[] {
  const scenarios = new Map(
    experiment.scenarios.map((scenario) => [scenario.loaded.spec.id, scenario]),
  );
  const counts = new Map<string, ScenarioCounts>();
  for (const plan of plans) {
    const scenario = scenarios.get(plan.scenarioId);
    if (!scenario) continue;
    const entry = counts.get(plan.scenarioId) ?? {
      scenario: plan.scenarioId,
      trials: 0,
      subject_calls: 0,
      judged_turns: 0,
      pressurer_calls: 0,
    };
    entry.trials += 1;
    entry.subject_calls += subjectCallsPerTrial(scenario, plan);
    entry.judged_turns += judgedTurnsPerTrial(scenario, plan);
    entry.pressurer_calls += pressurerCallsPerTrial(scenario, plan);
    counts.set(plan.scenarioId, entry);
  }
  return [...counts.values()];
}

function describePlan(summary: Awaited<ReturnType<typeof summarizePlan>>): string {
  const { estimate } = summary;
  const unpriced = estimate.unpriced_models.length
    ? ` + unknown for ${estimate.unpriced_models.join(", ")}`
    : "";
  const lines = [
    `experiment ${summary.experiment}: ${summary.trials} trials, ${summary.subject_calls} subject model calls, ${summary.judge_calls} judge model calls`,
    `subjects: ${summary.subjects.join(", ")}; judges: ${summary.judges.join(", ")}; arms: ${summary.arms.join(", ")}; ${summary.samples} samples per cell`,
    ...summary.by_scenario.map(
      (row) =>
        `  ${row.scenario}: ${row.trials} trials, ${row.subject_calls} subject calls, ${row.judged_turns} judged turns`,
    ),
    `tokens: about ${estimate.subject_input_tokens} in and at most ${estimate.subject_output_tokens_at_most} out for subjects; about ${estimate.judge_input_tokens} in and ${estimate.judge_output_tokens} out for model judges`,
    `cost: at most $${estimate.max_cost_usd.toFixed(2)}${unpriced} (prices from profiles/prices.yaml or the experiment's models: settings)`,
  ];
  return `${lines.join("\n")}\n`;
}

function probability(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || number >= 1)
    throw new InvalidArgumentError("expected a number between 0 and 1");
  return number;
}

/** Samples per cell for the difference asked, and what running the experiment at that size implies. */
async function describeSampleSize(
  experiment: LoadedExperiment,
  participants: Participants,
  options: PlanOptions & { detect: number },
  json: boolean,
): Promise<string> {
  let answer: ReturnType<typeof planSampleSize>;
  try {
    answer = planSampleSize({
      detect: options.detect,
      power: options.power,
      alpha: options.alpha,
      ...(options.baseline !== undefined ? { baseline: options.baseline } : {}),
    });
  } catch (error) {
    throw new InputError((error as Error).message, { field: "--detect" });
  }
  const atSize = async (samples: number) => {
    const sized = { ...experiment, spec: { ...experiment.spec, samples } };
    const summary = await summarizePlan(sized, expandTrials(sized), participants);
    return {
      samples,
      trials: summary.trials,
      subject_calls: summary.subject_calls,
      judge_calls: summary.judge_calls,
      max_cost_usd: summary.estimate.max_cost_usd,
      unpriced_models: summary.estimate.unpriced_models,
    };
  };
  const result = {
    detect: options.detect,
    power: options.power,
    alpha: options.alpha,
    rates: answer.rates,
    paired: await atSize(answer.paired),
    unpaired: await atSize(answer.unpaired),
  };
  if (json) return `${JSON.stringify(result, null, 2)}\n`;
  const line = (label: string, size: Awaited<ReturnType<typeof atSize>>) =>
    `${label}: ${size.samples} samples per cell -> ${size.trials} trials, ${size.subject_calls} subject calls, ${size.judge_calls} judge calls, cost at most $${size.max_cost_usd.toFixed(2)}${size.unpriced_models.length ? ` + unknown for ${size.unpriced_models.join(", ")}` : ""}`;
  return [
    `to detect ${result.rates[1].toFixed(3)} vs ${result.rates[0].toFixed(3)} with power ${options.power} at two-sided alpha ${options.alpha}:`,
    line("paired (arms share each sample's prefix, exact McNemar)", result.paired),
    line("unpaired (two-proportion test, Fleiss continuity correction)", result.unpaired),
    "",
  ].join("\n");
}
