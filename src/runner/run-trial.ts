import type { Judge } from "../judges/judge.ts";
import { judgeTurn } from "../judges/judge-turn.ts";
import { stopsTheRun } from "../providers/fatal-failure.ts";
import { splitTurn } from "../reasoning/split-turn.ts";
import { expandFollowup, type PlayedFollowup } from "../spec/expand-followups.ts";
import type { ExperimentSpec } from "../spec/experiment.ts";
import { stepApplies, variablesFor } from "../spec/factor-combinations.ts";
import type {
  CallContext,
  ChatMessage,
  GenerateRequest,
  LanguageModel,
} from "../spec/language-model.ts";
import type { ExperimentScenario } from "../spec/load-experiment.ts";
import { sha256 } from "../spec/load-scenario.ts";
import { generatesAtIntervention, type MeasurementDesign } from "../spec/measurement-design.ts";
import { callResponseOf, modelCallOf } from "../spec/model-call.ts";
import { formatProtocolTurn } from "../spec/protocol-turn.ts";
import type { StepSpec } from "../spec/scenario.ts";
import { renderTemplate } from "../spec/template.ts";
import type { TrialResult, TurnRecord } from "../spec/trial-record.ts";
import type { TrialPlan } from "./expand-trials.ts";
import { judgeInputFor } from "./judge-input.ts";
import { pressurerMessages } from "./pressurer-messages.ts";

export interface TrialDependencies {
  scenario: ExperimentScenario;
  subject: LanguageModel;
  /** Writes the user's turn at follow-ups that give an instruction instead of text. */
  pressurer?: LanguageModel;
  judges: readonly Judge[];
  settings: Pick<ExperimentSpec, "temperature" | "top_p" | "max_tokens">;
  design: MeasurementDesign;
}

/** Plays one trial's script against the subject, judging each judged turn as it is made. */
export async function runTrial(
  plan: TrialPlan,
  dependencies: TrialDependencies,
): Promise<TrialResult> {
  const conversation = new Conversation(plan, dependencies);
  try {
    for (const step of dependencies.scenario.loaded.spec.steps) await conversation.play(step);
    return {
      ...plan,
      ...conversation.prefix(),
      status: "complete",
      simulated: dependencies.subject.simulated,
      turns: conversation.turns,
    };
  } catch (error) {
    // A wrong key or model name fails every trial alike: stop the run instead of filling it with
    // errors. So does a call the budget refused: the trial stays pending for a resume.
    if (stopsTheRun(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...plan,
      status: "error",
      error: message,
      simulated: dependencies.subject.simulated,
      turns: conversation.turns,
    };
  }
}

type Phase = CallContext["phase"];

class Conversation {
  readonly turns: TurnRecord[] = [];
  private followup = 0;
  private phase: Phase = "before-intervention";
  private prefixHash: string | undefined;
  private readonly variables: Record<string, string>;

  constructor(
    private readonly plan: TrialPlan,
    private readonly dependencies: TrialDependencies,
  ) {
    const scenario = dependencies.scenario.loaded.spec;
    this.variables = variablesFor(scenario, plan.levels);
    const system = `${scenario.system_prompt.trimEnd()}\n\n${scenario.reasoning.instructions.trim()}`;
    this.addTurn({
      role: "system",
      source: "scripted",
      stepId: null,
      content: this.render(system),
    });
  }

  async play(step: StepSpec): Promise<void> {
    if ("when" in step && !stepApplies(step.when, this.plan.levels, this.plan.arm)) return;
    switch (step.role) {
      case "user": {
        const content = this.userContent(step);
        if (content === undefined) return;
        this.addTurn({ role: "user", source: "scripted", stepId: step.id ?? null, content });
        return;
      }
      case "assistant":
        this.addTurn({
          role: "assistant",
          source: "scripted",
          stepId: step.id ?? null,
          content: this.render(step.content),
        });
        return;
      case "generate":
        await this.generate(step, step.judged);
        return;
      case "intervention":
        await this.intervene(step);
        return;
      case "followup":
        for (const played of expandFollowup(step)) await this.playFollowup(played);
    }
  }

  private async playFollowup(played: PlayedFollowup): Promise<void> {
    this.followup += 1;
    if (played.pressurerInstruction === undefined) {
      this.addTurn({
        role: "user",
        source: "scripted",
        stepId: played.id,
        content: this.render(played.content ?? ""),
      });
    } else {
      await this.pressure(played.id, this.render(played.pressurerInstruction));
    }
    const judged = played.step.judged_in_control || this.plan.arm !== "control";
    await this.generate(played.step, judged, played.id);
  }

  /** The pressurer model writes the next user turn, following the scenario's instruction. */
  private async pressure(stepId: string, instruction: string): Promise<void> {
    const { pressurer, settings, scenario } = this.dependencies;
    if (!pressurer)
      throw new Error(
        `step ${stepId} needs a pressurer model: set pressurer in the experiment or pass --pressurer`,
      );
    const request: GenerateRequest = {
      messages: pressurerMessages(this.messages(), instruction),
      temperature: settings.temperature,
      topP: settings.top_p,
      maxTokens: settings.max_tokens,
      seed: this.plan.seed,
      sampleIndex: this.plan.sample,
      context: {
        ...this.callContext(stepId, undefined),
        phase: "pressure",
        protocol: scenario.loaded.spec.reasoning,
        instruction,
      },
    };
    const result = await pressurer.generate(request);
    const response = callResponseOf(result);
    const call = modelCallOf(request, result);
    this.addTurn({
      role: "user",
      source: "pressurer",
      stepId,
      content: result.text.trim(),
      response,
      call,
    });
  }

  /**
   * The control arm plays a harmful step's neutral counterpart, so its conversation has the same
   * turns in the same places; under the legacy design it left the step out.
   */
  private userContent(step: Extract<StepSpec, { role: "user" }>): string | undefined {
    if (!step.harmful || this.plan.arm !== "control") return this.render(step.content);
    if (this.dependencies.design.control === "omit-harmful") return undefined;
    return this.render(step.neutral ?? step.content);
  }

  /** The prefix hash, once the intervention point was reached. */
  prefix(): { prefixHash?: string } {
    return this.prefixHash ? { prefixHash: this.prefixHash } : {};
  }

  private async intervene(step: Extract<StepSpec, { role: "intervention" }>): Promise<void> {
    this.prefixHash = sha256(JSON.stringify(this.messages()));
    this.phase = "intervention";
    const { arm } = this.plan;
    if (generatesAtIntervention(arm, this.dependencies.design)) {
      await this.generate(step, arm !== "control" || step.judged_in_control);
    } else if (arm === "refusal" || arm === "rebuttal") {
      this.addTurn({
        role: "assistant",
        source: "intervention",
        stepId: step.id,
        content: this.interventionText(arm),
      });
    }
    this.phase = "followup";
  }

  /** The arm's inserted turn: in the scenario's reasoning protocol, or its output alone (bare). */
  private interventionText(arm: "refusal" | "rebuttal"): string {
    const { scenario, design } = this.dependencies;
    const turn = scenario.interventions[arm];
    if (design.intervention_format === "bare") return this.render(turn.output);
    return formatProtocolTurn(
      scenario.loaded.spec.reasoning,
      this.render(turn.reasoning),
      this.render(turn.output),
    );
  }

  private callContext(stepId: string, examples: CallContext["examples"]): CallContext {
    return {
      scenarioId: this.plan.scenarioId,
      stepId,
      arm: this.plan.arm,
      followup: this.followup,
      phase: this.phase,
      protocol: this.dependencies.scenario.loaded.spec.reasoning,
      examples,
      variables: this.variables,
    };
  }

  private async generate(
    step: Extract<StepSpec, { examples?: unknown }>,
    judged: boolean,
    stepId = step.id ?? "intervention",
  ): Promise<void> {
    const { subject, settings, scenario } = this.dependencies;
    const protocol = scenario.loaded.spec.reasoning;
    const request: GenerateRequest = {
      messages: this.messages(),
      temperature: settings.temperature,
      topP: settings.top_p,
      maxTokens: settings.max_tokens,
      seed: this.plan.seed,
      sampleIndex: this.plan.sample,
      context: this.callContext(stepId, step.examples),
    };
    const result = await subject.generate(request);
    const { text } = result;
    const response = callResponseOf(result);
    const turn = this.addTurn({
      role: "assistant",
      source: "generated",
      stepId,
      content: text,
      judged,
      response,
      call: modelCallOf(request, result),
    });
    turn.parsed = splitTurn(
      text,
      response.nativeReasoning,
      { reasoningLabel: protocol.reasoning_label, outputLabel: protocol.output_label },
      this.dependencies.design.reasoning_rule,
    );
    if (judged) await this.judge(turn, step);
  }

  private async judge(
    turn: TurnRecord,
    step: Extract<StepSpec, { examples?: unknown }>,
  ): Promise<void> {
    const { scenario, design, judges } = this.dependencies;
    const input = judgeInputFor({
      scenario: scenario.loaded.spec,
      variables: this.variables,
      design,
      turns: this.turns,
      step,
    });
    const { verdicts, outcome } = await judgeTurn(judges, input, design);
    turn.verdicts.push(...verdicts);
    turn.outcome = outcome;
  }

  private addTurn(
    fields: Omit<TurnRecord, "index" | "followup" | "verdicts" | "judged"> & { judged?: boolean },
  ): TurnRecord {
    const turn: TurnRecord = {
      index: this.turns.length,
      followup: this.followup,
      verdicts: [],
      judged: false,
      ...fields,
    };
    this.turns.push(turn);
    return turn;
  }

  private messages(): ChatMessage[] {
    return this.turns.map((turn) => ({ role: turn.role, content: turn.content }));
  }

  private render(text: string): string {
    return renderTemplate(text, this.variables);
  }
}
