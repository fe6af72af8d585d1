import type { GenerateRequest, GenerateResult, LanguageModel } from "../spec/language-model.ts";
import type { LoadedExperiment } from "../spec/load-experiment.ts";
import { expandTrials } from "./expand-trials.ts";
import { runTrial } from "./run-trial.ts";

/** The token count candor assumes when a provider's own tokenizer is not at hand. */
export function approximateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Words a judge prompt adds around the conversation (the rubric and the questions). */
const JUDGE_PROMPT_OVERHEAD_TOKENS = 600;
const JUDGE_REPLY_TOKENS = 250;

export interface UsageEstimate {
  subjectCalls: number;
  /** Upper bounds: every model turn is taken to use all of max_tokens. */
  subjectInputTokens: number;
  subjectOutputTokens: number;
  judgedTurns: number;
  judgeInputTokensPerJudge: number;
  judgeOutputTokensPerJudge: number;
}

/** Counts what a trial sends, answering every call with max_tokens of filler: a ceiling, not a guess. */
class CeilingModel implements LanguageModel {
  readonly spec = "estimate";
  readonly simulated = true;
  inputTokens = 0;
  outputTokens = 0;
  calls = 0;

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const input = request.messages.reduce(
      (sum, message) => sum + approximateTokens(message.content) + 4,
      0,
    );
    this.calls += 1;
    this.inputTokens += input;
    this.outputTokens += request.maxTokens;
    return {
      text: "x".repeat(request.maxTokens * 4),
      usage: { inputTokens: input, outputTokens: request.maxTokens },
      modelId: this.spec,
      finishReason: "length",
      latencyMs: 0,
    };
  }
}

/**
 * Plays one sample of every design cell against the ceiling model and scales by the samples, so
 * the estimate costs the same for ten samples or ten thousand. Per subject (each subject sees the
 * same messages).
 */
export async function estimateUsage(experiment: LoadedExperiment): Promise<UsageEstimate> {
  const firstSubject = experiment.spec.subjects[0] as string;
  const oneSample = expandTrials({
    ...experiment,
    spec: { ...experiment.spec, samples: 1, subjects: [firstSubject] },
  });
  const samples = experiment.spec.samples;
  const estimate: UsageEstimate = {
    subjectCalls: 0,
    subjectInputTokens: 0,
    subjectOutputTokens: 0,
    judgedTurns: 0,
    judgeInputTokensPerJudge: 0,
    judgeOutputTokensPerJudge: 0,
  };
  for (const plan of oneSample) {
    const scenario = experiment.scenarios.find(
      (candidate) => candidate.loaded.spec.id === plan.scenarioId,
    );
    if (!scenario) continue;
    const model = new CeilingModel();
    const result = await runTrial(plan, {
      scenario,
      subject: model,
      judges: [],
      settings: experiment.spec,
      design: experiment.design,
    });
    estimate.subjectCalls += model.calls * samples;
    estimate.subjectInputTokens += model.inputTokens * samples;
    estimate.subjectOutputTokens += model.outputTokens * samples;
    for (const turn of result.turns.filter((candidate) => candidate.judged)) {
      const context = result.turns
        .slice(0, turn.index + 1)
        .reduce((sum, earlier) => sum + approximateTokens(earlier.content), 0);
      estimate.judgedTurns += samples;
      estimate.judgeInputTokensPerJudge += (context + JUDGE_PROMPT_OVERHEAD_TOKENS) * samples;
      estimate.judgeOutputTokensPerJudge += JUDGE_REPLY_TOKENS * samples;
    }
  }
  return estimate;
}
