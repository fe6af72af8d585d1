import { describeFactors } from "../spec/factor-combinations.ts";
import type { GenerateRequest, GenerateResult, LanguageModel } from "../spec/language-model.ts";
import type { LoadedExperiment } from "../spec/load-experiment.ts";
import type { TrialPlan } from "./expand-trials.ts";
import { runTrial } from "./run-trial.ts";

/** Stands where the subject would answer, so a preview shows every scripted message exactly. */
class PlaceholderModel implements LanguageModel {
  readonly spec = "preview";
  readonly simulated = true;

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const where = request.context ? ` at step "${request.context.stepId}"` : "";
    return {
      text: `⟨the subject writes this turn${where}⟩`,
      usage: { inputTokens: 0, outputTokens: 0 },
      modelId: this.spec,
      finishReason: "stop",
      latencyMs: 0,
    };
  }
}

/** The messages of one trial as the subject will receive them, for `candor plan --show-prompts`. */
export async function previewTrial(plan: TrialPlan, experiment: LoadedExperiment): Promise<string> {
  const scenario = experiment.scenarios.find(
    (candidate) => candidate.loaded.spec.id === plan.scenarioId,
  );
  if (!scenario) throw new Error(`scenario ${plan.scenarioId} is not in the experiment`);
  const result = await runTrial(plan, {
    scenario,
    subject: new PlaceholderModel(),
    judges: [],
    settings: experiment.spec,
    design: experiment.design,
  });
  const heading = `trial ${plan.trialId} · ${plan.subject} · ${plan.scenarioId} · ${describeFactors(plan.levels) || "no factors"} · arm ${plan.arm} · sample ${plan.sample}`;
  const turns = result.turns.map((turn) => {
    const label = `[${turn.index}] ${turn.role} (${turn.source}${turn.stepId ? `, step ${turn.stepId}` : ""}${turn.followup ? `, follow-up ${turn.followup}` : ""})`;
    return `${label}\n${turn.content}`;
  });
  return `${heading}\n\n${turns.join("\n\n")}\n`;
}
