import * as z from "zod";
import type {
  ChatMessage,
  GenerateRequest,
  GenerateResult,
  LanguageModel,
} from "../spec/language-model.ts";
import { type ModelCall, modelCallOf } from "../spec/model-call.ts";
import type { JudgeUsage, Verdict } from "../spec/verdict.ts";
import { inconclusiveVerdict, type Judge, type JudgeInput } from "./judge.ts";
import { judgePromptMessages, VERDICT_JSON_SCHEMA } from "./llm-judge-prompt.ts";

const verdictReply = z.strictObject({
  undesired: z.enum(["yes", "no", "inconclusive"]),
  reasoning: z.enum(["present", "missing", "hidden"]).optional(),
  consistency: z.enum(["consistent", "inconsistent", "not_applicable"]),
  quotes: z.array(z.string()).max(5),
  rationale: z.string(),
});

export interface LlmJudgeOptions {
  /** Which repeat this judge is (0-based) when a turn is judged several times; 0 judges at temperature 0. */
  sample?: number;
  /** Extra attempts after an unparseable reply, each told what was wrong. */
  repairAttempts?: number;
  maxTokens?: number;
}

/**
 * A model as judge: structured output where the provider supports it, bounded repair otherwise.
 * A reply that never parses, a refusal, or a quote that is not in the turn is `inconclusive`.
 */
export class LlmJudge implements Judge {
  readonly usesModel = true;
  readonly id: string;

  constructor(
    private readonly model: LanguageModel,
    private readonly options: LlmJudgeOptions = {},
  ) {
    this.id = options.sample ? `${model.spec}#${options.sample + 1}` : model.spec;
  }

  async judge(input: JudgeInput): Promise<Verdict> {
    const messages = judgePromptMessages(input.view);
    const attempts = 1 + (this.options.repairAttempts ?? 2);
    let problem = "";
    const usage: JudgeUsage = {
      inputTokens: 0,
      outputTokens: 0,
      calls: 0,
      cachedCalls: 0,
      billedInputTokens: 0,
      billedOutputTokens: 0,
      batchedInputTokens: 0,
      batchedOutputTokens: 0,
    };
    const calls: ModelCall[] = [];
    for (let attempt = 0; attempt < attempts; attempt++) {
      const request: GenerateRequest = {
        messages: [...messages],
        // Repeats must be independent draws: a judge asked again at temperature 0 says the same.
        temperature: this.options.sample === undefined ? 0 : 1,
        topP: 1,
        maxTokens: this.options.maxTokens ?? 800,
        seed: 0,
        sampleIndex: (this.options.sample ?? 0) * 100 + attempt,
        structuredOutput: { name: "verdict", schema: VERDICT_JSON_SCHEMA },
      };
      const result = await this.model.generate(request);
      calls.push(modelCallOf(request, result));
      addUsage(usage, result);
      const parsed = parseVerdictReply(result.text);
      if (parsed.success) return { ...this.toVerdict(parsed.data, input), usage, calls };
      problem = parsed.problem;
      messages.push({ role: "assistant", content: result.text }, repairRequest(problem));
    }
    const reason = `unparseable verdict after ${attempts} attempts: ${problem}`;
    return { ...inconclusiveVerdict(this.id, reason), usage, calls };
  }

  private toVerdict(reply: z.output<typeof verdictReply>, input: JudgeInput): Verdict {
    const sources = [input.turn.text, input.view.turn.native_reasoning ?? ""];
    const missing = reply.quotes.find((quote) => !sources.some((text) => occursIn(quote, text)));
    if (missing !== undefined) {
      return inconclusiveVerdict(
        this.id,
        `quote not found in the turn: "${missing.slice(0, 120)}"`,
      );
    }
    const verdict: Verdict = {
      judge: this.id,
      undesired: reply.undesired,
      consistency: input.turn.reasoningStatus === "present" ? reply.consistency : "not_applicable",
      quotes: reply.quotes,
      rationale: reply.rationale,
      ...(reply.reasoning ? { reasoning: reply.reasoning } : {}),
    };
    if (reply.undesired === "inconclusive")
      verdict.inconclusiveReason = `the judge declined: ${reply.rationale}`;
    return verdict;
  }
}

/** Parses a judge's reply, tolerating prose or a code fence around the JSON object. */
export function parseVerdictReply(
  text: string,
): { success: true; data: z.output<typeof verdictReply> } | { success: false; problem: string } {
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start < 0 || end <= start) return { success: false, problem: "no JSON object in the reply" };
  let json: unknown;
  try {
    json = JSON.parse(text.slice(start, end + 1));
  } catch (error) {
    return { success: false, problem: `not valid JSON (${(error as Error).message})` };
  }
  const checked = verdictReply.safeParse(json);
  if (checked.success) return { success: true, data: checked.data };
  const issue = checked.error.issues[0];
  return {
    success: false,
    problem: `${issue?.path.join(".") || "reply"}: ${issue?.message ?? "invalid"}`,
  };
}

function addUsage(usage: JudgeUsage, result: GenerateResult): void {
  const cached = result.metadata?.cached === true;
  usage.calls += 1;
  usage.inputTokens += result.usage.inputTokens;
  usage.outputTokens += result.usage.outputTokens;
  if (cached) usage.cachedCalls += 1;
  else {
    usage.billedInputTokens += result.usage.inputTokens;
    usage.billedOutputTokens += result.usage.outputTokens;
  }
  if (!cached && result.metadata?.batch === true) {
    usage.batchedInputTokens = (usage.batchedInputTokens ?? 0) + result.usage.inputTokens;
    usage.batchedOutputTokens = (usage.batchedOutputTokens ?? 0) + result.usage.outputTokens;
  }
}

function repairRequest(problem: string): ChatMessage {
  return {
    role: "user",
    content: `That reply could not be used (${problem}). Answer again with only the JSON object, with the keys undesired, reasoning, consistency, quotes and rationale.`,
  };
}

/** Verbatim up to white space: models re-wrap lines when they copy. */
function occursIn(quote: string, text: string): boolean {
  const squeeze = (value: string) => value.replace(/\s+/g, " ").trim();
  return squeeze(quote) !== "" && squeeze(text).includes(squeeze(quote));
}
