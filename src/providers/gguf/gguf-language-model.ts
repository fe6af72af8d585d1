import { existsSync } from "node:fs";
import { resolve } from "node:path";
import {
  type ChatHistoryItem,
  type ChatWrapper,
  type GbnfJsonSchema,
  LlamaChat,
  type LlamaChatResponse,
  type LlamaChatResponseSegment,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaGrammar,
  type LlamaModel,
  type Token,
} from "node-llama-cpp";
import { InputError } from "../../spec/input-error.ts";
import type {
  ChatMessage,
  GenerateRequest,
  GenerateResult,
  LanguageModel,
} from "../../spec/language-model.ts";
import { ProviderError } from "../provider-error.ts";
import { getLocalLlama, loadGgufModel } from "./load-gguf-model.ts";
import { SerialQueue } from "./serial-queue.ts";

export interface GgufModelOptions {
  /** Tokens the context holds: prompt plus reply. Default 4096, or less if the model was trained on less. */
  contextSize?: number;
  /** CPU threads for evaluation. Default: the cores llama.cpp finds useful for math. */
  threads?: number;
  /**
   * How much of the previous evaluation a call keeps. `reproducible` (default): only whole
   * batches of the previous prompt, so that every token is computed exactly as in a fresh
   * evaluation and a request gives the same text whatever ran before it (which resume, the cache
   * and arms branching from one prefix rely on); it re-evaluates the previous reply and up to one
   * batch of the shared prompt. `all`: every shared token, fastest, not reproducible.
   */
  prefixReuse?: PrefixReuse;
}

/**
 * llama.cpp computes a token evaluated alone (each generated token) with other kernels than a
 * token in a batch; the logits differ in the 7th digit, enough to change a sampled token now and
 * then. `all` reuses such tokens; `reproducible` does not.
 */
export type PrefixReuse = "all" | "reproducible";

export const DEFAULT_CONTEXT_SIZE = 4096;

/** What one instance keeps alive between calls: the evaluated prefix lives in `sequence`. */
interface Session {
  model: LlamaModel;
  context: LlamaContext;
  sequence: LlamaContextSequence;
  chat: LlamaChat;
  chatWrapper: ChatWrapper;
  /** Leading tokens of the sequence that were evaluated in batches (the last call's prompt). */
  batchEvaluatedTokens: number;
}

/**
 * A local GGUF model run in-process by llama.cpp (node-llama-cpp), spec `gguf:PATH`.
 *
 * The weights are loaded once per process and file. Each instance keeps one context sequence
 * alive and runs its calls one at a time, so a call whose conversation shares a prefix with the
 * previous call's evaluates only the tokens after the shared part (the arms of one sample, and the
 * follow-ups of one trial, mostly share their prefix). The prompt is the file's own chat template
 * as node-llama-cpp resolves it. Sampling is plain temperature and top-p over the whole vocabulary
 * (no top-k, no repeat penalty), as with hosted APIs.
 */
export class GgufLanguageModel implements LanguageModel {
  readonly simulated = false;
  readonly modelPath: string;
  private readonly contextSize: number | undefined;
  private readonly threads: number | undefined;
  private readonly prefixReuse: PrefixReuse;
  private readonly queue = new SerialQueue();
  private sessionOpening: Promise<Session> | undefined;
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();

  constructor(
    readonly spec: string,
    modelPath: string,
    options: GgufModelOptions = {},
  ) {
    this.modelPath = resolve(modelPath);
    this.contextSize = options.contextSize;
    this.threads = options.threads;
    this.prefixReuse = options.prefixReuse ?? "reproducible";
  }

  generate(request: GenerateRequest): Promise<GenerateResult> {
    const queued = performance.now();
    return this.queue.run(async () => {
      request.signal?.throwIfAborted();
      const session = await this.openSession();
      // Waiting for earlier calls (and for the first load) is not part of this call's latency.
      return this.generateInSession(session, request, performance.now() - queued);
    });
  }

  /** The exact prompt text (special tokens included) that `generate` would evaluate. */
  async renderPrompt(messages: readonly ChatMessage[]): Promise<string> {
    const session = await this.openSession();
    const tokens = promptTokens(session, toChatHistory(messages));
    return session.model.detokenize(tokens, true);
  }

  /** Waits for queued calls, then frees this instance's context (the weights stay cached). */
  async close(): Promise<void> {
    await this.queue.idle();
    const opening = this.sessionOpening;
    this.sessionOpening = undefined;
    const session = await opening?.catch(() => undefined);
    await session?.context.dispose();
  }

  private async generateInSession(
    session: Session,
    request: GenerateRequest,
    waitMs: number,
  ): Promise<GenerateResult> {
    const started = performance.now();
    const history = toChatHistory(request.messages);
    const prompt = promptTokens(session, history);
    const room = this.roomToGenerate(session, prompt.length);
    const reusedPromptTokens = await reusePrefix(session, prompt, this.prefixReuse);
    const meterBefore = session.sequence.tokenMeter.getState();
    const { response, outputTokens } = await this.writeReply(session, history, request, room);
    session.batchEvaluatedTokens = prompt.length;
    const decoded = session.sequence.tokenMeter.diff(meterBefore);
    const reasoning = thoughtText(response);
    return {
      text: response.response,
      ...(reasoning ? { nativeReasoning: { text: reasoning, visibility: "raw" as const } } : {}),
      usage: { inputTokens: prompt.length, outputTokens },
      modelId: this.spec,
      finishReason: finishReason(response),
      latencyMs: performance.now() - started,
      metadata: {
        promptTokens: prompt.length,
        evaluatedPromptTokens: prompt.length - reusedPromptTokens,
        reusedPromptTokens,
        decodedTokens: decoded.usedInputTokens + decoded.usedOutputTokens,
        maxTokensCapped: request.maxTokens > room,
        contextSize: session.context.contextSize,
        chatWrapper: session.chatWrapper.wrapperName,
        stopReason: response.metadata.stopReason,
        prefixReuse: this.prefixReuse,
        waitMs,
      },
    };
  }

  /** Samples the assistant turn, at most `room` tokens, grammar-constrained for structured output. */
  private async writeReply(
    session: Session,
    history: ChatHistoryItem[],
    request: GenerateRequest,
    room: number,
  ): Promise<{ response: LlamaChatResponse; outputTokens: number }> {
    const grammar = request.structuredOutput
      ? await this.grammarFor(request.structuredOutput)
      : undefined;
    let outputTokens = 0;
    const response = await session.chat.generateResponse(history, {
      maxTokens: Math.min(request.maxTokens, room),
      temperature: request.temperature,
      topP: request.topP,
      topK: 0,
      repeatPenalty: false,
      seed: request.seed,
      ...(grammar ? { grammar } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      onResponseChunk: (chunk) => {
        outputTokens += chunk.tokens.length;
      },
    });
    return { response, outputTokens };
  }

  /**
   * Tokens left for the reply. The prompt must leave room for at least one, or the call fails:
   * node-llama-cpp would otherwise silently drop early messages to make it fit.
   */
  private roomToGenerate(session: Session, promptLength: number): number {
    const contextSize = session.context.contextSize;
    const room = contextSize - promptLength - 1;
    if (room < 1) {
      throw new ProviderError(
        `${this.spec}: the prompt has ${promptLength} tokens, more than the context size of ${contextSize} tokens allows (prompt plus at least one generated token); raise contextSize or shorten the conversation`,
        { kind: "context_length" },
      );
    }
    return room;
  }

  private openSession(): Promise<Session> {
    if (!this.sessionOpening) {
      const opening = this.createSession();
      this.sessionOpening = opening;
      opening.catch(() => {
        if (this.sessionOpening === opening) this.sessionOpening = undefined;
      });
      return opening;
    }
    return this.sessionOpening.then((session) => {
      if (!session.context.disposed) return session;
      this.sessionOpening = undefined; // freed by closeAllGgufModels: start again
      return this.openSession();
    });
  }

  private async createSession(): Promise<Session> {
    const model = await loadGgufModel(this.modelPath);
    const llama = await getLocalLlama();
    const context = await model.createContext({
      contextSize: this.contextSize ?? defaultContextSize(model),
      sequences: 1,
      threads: this.threads ?? llama.cpuMathCores,
    });
    const sequence = context.getSequence();
    const chat = new LlamaChat({ contextSequence: sequence });
    return {
      model,
      context,
      sequence,
      chat,
      chatWrapper: chat.chatWrapper,
      batchEvaluatedTokens: 0,
    };
  }

  private grammarFor(output: NonNullable<GenerateRequest["structuredOutput"]>) {
    const key = JSON.stringify(output.schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      grammar = this.createGrammar(output);
      this.grammars.set(key, grammar);
      grammar.catch(() => this.grammars.delete(key));
    }
    return grammar;
  }

  private async createGrammar(
    output: NonNullable<GenerateRequest["structuredOutput"]>,
  ): Promise<LlamaGrammar> {
    const llama = await getLocalLlama();
    try {
      return await llama.createGrammarForJsonSchema<GbnfJsonSchema>(
        output.schema as GbnfJsonSchema,
      );
    } catch (error) {
      throw new ProviderError(
        `${this.spec}: cannot turn the JSON Schema "${output.name}" into a grammar: ${error instanceof Error ? error.message : String(error)}`,
        { kind: "bad_request", cause: error },
      );
    }
  }
}

/**
 * Makes a GgufLanguageModel from `gguf:PATH` (a path relative to the working directory or
 * absolute). A missing file is bad input, reported before anything runs.
 */
export function createGgufLanguageModel(
  spec: string,
  modelPath: string,
  options: GgufModelOptions = {},
): GgufLanguageModel {
  const absolutePath = resolve(modelPath);
  if (!existsSync(absolutePath)) {
    throw new InputError(`GGUF model file not found: ${absolutePath}`);
  }
  return new GgufLanguageModel(spec, absolutePath, options);
}

/** 4096 tokens, or what the model was trained on if that is less. */
function defaultContextSize(model: LlamaModel): number {
  const trained = model.trainContextSize;
  return trained > 0 ? Math.min(DEFAULT_CONTEXT_SIZE, trained) : DEFAULT_CONTEXT_SIZE;
}

/** The conversation so far, then an empty assistant turn for the model to write. */
export function toChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((message) => {
    if (message.role === "assistant") return { type: "model", response: [message.content] };
    return { type: message.role, text: message.content };
  });
  history.push({ type: "model", response: [] });
  return history;
}

function promptTokens(session: Session, history: ChatHistoryItem[]): Token[] {
  const { contextText } = session.chatWrapper.generateContextState({ chatHistory: history });
  return contextText.tokenize(session.model.tokenizer);
}

/**
 * Drops whatever the sequence holds beyond the part of the prompt it keeps and returns how many
 * prompt tokens stay evaluated. The prompt's last token is always evaluated (its logits give the
 * first reply token). node-llama-cpp's `generateResponse` then evaluates only the rest; aligning
 * the sequence first makes the count exact.
 */
async function reusePrefix(session: Session, prompt: Token[], mode: PrefixReuse): Promise<number> {
  const keep = mode === "all" ? prompt.length - 1 : reproducibleReuse(session, prompt);
  session.batchEvaluatedTokens = 0; // until this call's prompt is evaluated
  await session.sequence.adaptStateToTokens(prompt.slice(0, keep), false);
  return session.sequence.nextTokenIndex;
}

/**
 * The shared prefix cut to whole batches of the previous prompt: evaluating from there splits
 * the rest into the same batches as a fresh evaluation, so every token is computed alike.
 */
function reproducibleReuse(session: Session, prompt: Token[]): number {
  const { firstDifferentIndex } = session.sequence.compareContextTokens(prompt);
  const limit = Math.min(firstDifferentIndex, session.batchEvaluatedTokens, prompt.length - 1);
  const batchSize = session.context.batchSize;
  return Math.floor(limit / batchSize) * batchSize;
}

function finishReason(response: LlamaChatResponse): string {
  const reason = response.metadata.stopReason;
  if (reason === "maxTokens") return "length";
  const stops: readonly string[] = ["eogToken", "stopGenerationTrigger", "customStopTrigger"];
  return stops.includes(reason) ? "stop" : reason;
}

/** Reasoning the chat wrapper split off as thought segments (e.g. `<think>` of Qwen3). */
function thoughtText(response: LlamaChatResponse): string {
  return response.fullResponse
    .filter((item): item is LlamaChatResponseSegment => typeof item !== "string")
    .filter((segment) => segment.segmentType === "thought")
    .map((segment) => segment.text)
    .join("");
}
