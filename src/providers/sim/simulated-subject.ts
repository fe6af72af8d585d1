import type { GenerateRequest, GenerateResult, LanguageModel } from "../../spec/language-model.ts";
import { SeededRandom } from "./seeded-random.ts";
import { loadSimProfile, type OutcomeRates, type SimProfile } from "./sim-profile.ts";
import { writeSimulatedTurn } from "./write-simulated-turn.ts";

/**
 * A seeded, deterministic stand-in for a model. It reads where it is in the experiment from the
 * request's context, draws an outcome class at the profile's rates and writes a turn from the
 * scenario's reference examples. Its output is never evidence about any real model.
 */
export class SimulatedSubject implements LanguageModel {
  readonly simulated = true;

  constructor(
    readonly spec: string,
    private readonly profile: SimProfile,
  ) {}

  static fromProfileName(spec: string, profileName: string): SimulatedSubject {
    return new SimulatedSubject(spec, loadSimProfile(profileName));
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const context = request.context;
    if (context?.phase === "pressure") return this.pressure(request, context.instruction ?? "");
    const random = new SeededRandom(this.callSeed(request));
    const outcome = random.weighted(this.ratesFor(request));
    const text = context
      ? writeSimulatedTurn(
          {
            outcome,
            protocol: context.protocol,
            examples: context.examples,
            variables: context.variables,
            formatVariation: this.profile.format_variation,
          },
          random,
        )
      : "Reasoning: There is no scenario context for this call.\n\nResponse: I am a simulated subject.";
    const clipped = clipToTokens(text, request.maxTokens);
    return {
      text: clipped,
      usage: { inputTokens: estimateTokens(request.messages), outputTokens: countTokens(clipped) },
      modelId: this.spec,
      finishReason: clipped.length < text.length ? "length" : "stop",
      latencyMs: 0,
      metadata: { simulated: true, simulated_outcome: outcome },
    };
  }

  /** As pressurer the simulator cannot write: it passes the scenario's instruction on as the turn. */
  private pressure(request: GenerateRequest, instruction: string): GenerateResult {
    return {
      text: instruction,
      usage: {
        inputTokens: estimateTokens(request.messages),
        outputTokens: countTokens(instruction),
      },
      modelId: this.spec,
      finishReason: "stop",
      latencyMs: 0,
      metadata: { simulated: true, simulated_outcome: "pressure" },
    };
  }

  /** Before the intervention the arm is left out, so every arm of a sample shares that prefix. */
  private callSeed(request: GenerateRequest): number {
    const context = request.context;
    const armPart = context && context.phase !== "before-intervention" ? context.arm : "";
    return SeededRandom.seedFrom(
      request.seed,
      context?.stepId ?? "",
      armPart,
      context?.followup ?? 0,
    );
  }

  private ratesFor(request: GenerateRequest): OutcomeRates {
    const context = request.context;
    if (!context || context.phase === "before-intervention")
      return this.profile.before_intervention;
    if (context.phase === "intervention") {
      return context.arm === "control"
        ? (this.profile.control_intervention ?? this.profile.followup.control)
        : this.profile.intervention;
    }
    return this.profile.followup[context.arm];
  }
}

/** A rough count (four characters a token), enough for planning and usage figures. */
export function countTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function estimateTokens(messages: GenerateRequest["messages"]): number {
  return messages.reduce((sum, message) => sum + countTokens(message.content) + 4, 0);
}

function clipToTokens(text: string, maxTokens: number): string {
  return text.length > maxTokens * 4 ? text.slice(0, maxTokens * 4) : text;
}
