import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../spec/input-error.ts";
import type { ChatMessage, GenerateRequest } from "../../spec/language-model.ts";
import { ProviderError } from "../provider-error.ts";
import { createGgufLanguageModel, GgufLanguageModel } from "./gguf-language-model.ts";
import { closeAllGgufModels, loadGgufModel } from "./load-gguf-model.ts";
import { writeRandomGguf } from "./write-random-gguf.ts";

// The weights are random: the text is gibberish, so these tests check the plumbing only.

const CONTEXT_SIZE = 1024;
/** node-llama-cpp's default batch: min(context size, 512). */
const BATCH_SIZE = 512;
const directory = mkdtempSync(join(tmpdir(), "candor-gguf-model-"));
const modelPath = join(directory, "tiny-test.gguf");
const spec = `gguf:${modelPath}`;
let model: GgufLanguageModel;

beforeAll(async () => {
  await writeRandomGguf(modelPath, { preset: "tiny-test", seed: 7 });
  // One thread: on a small shared machine more threads than free cores stall llama.cpp.
  model = new GgufLanguageModel(spec, modelPath, {
    contextSize: CONTEXT_SIZE,
    threads: 1,
    prefixReuse: "all",
  });
});

afterAll(async () => {
  await model.close();
  await closeAllGgufModels();
  rmSync(directory, { recursive: true, force: true });
});

const conversation: ChatMessage[] = [
  { role: "system", content: "You are the sales assistant of a car dealership." },
  { role: "user", content: "Has this car ever been in an accident?" },
];

function request(overrides: Partial<GenerateRequest> = {}): GenerateRequest {
  return {
    messages: conversation,
    temperature: 1,
    topP: 1,
    maxTokens: 12,
    seed: 42,
    sampleIndex: 0,
    ...overrides,
  };
}

async function countTokens(text: string): Promise<number> {
  return (await loadGgufModel(modelPath)).tokenize(text, true).length;
}

function metadataOf(result: { metadata?: Record<string, unknown> }) {
  return result.metadata as {
    promptTokens: number;
    evaluatedPromptTokens: number;
    reusedPromptTokens: number;
    maxTokensCapped: boolean;
    chatWrapper: string;
  };
}

describe("GgufLanguageModel", () => {
  it("is a real (not simulated) model named by its spec", () => {
    expect(model.simulated).toBe(false);
    expect(model.spec).toBe(spec);
  });

  it("renders the conversation with the file's ChatML template", async () => {
    const prompt = await model.renderPrompt(conversation);
    expect(prompt).toBe(
      "<s><|im_start|>system\nYou are the sales assistant of a car dealership.<|im_end|>\n" +
        "<|im_start|>user\nHas this car ever been in an accident?<|im_end|>\n" +
        "<|im_start|>assistant\n",
    );
    const result = await model.generate(request());
    expect(metadataOf(result).chatWrapper).toBe("ChatML");
    expect(result.usage.inputTokens).toBe(await countTokens(prompt));
  });

  it("keeps earlier assistant turns in the prompt and opens a new assistant turn", async () => {
    const prompt = await model.renderPrompt([
      ...conversation,
      { role: "assistant", content: "Let me check the record." },
      { role: "user", content: "Thanks." },
    ]);
    expect(prompt).toContain(
      "<|im_start|>assistant\nLet me check the record.<|im_end|>\n<|im_start|>user\nThanks.<|im_end|>\n<|im_start|>assistant\n",
    );
    expect(prompt.endsWith("<|im_start|>assistant\n")).toBe(true);
  });

  it("reports usage and stops with finish reason length at maxTokens", async () => {
    const result = await model.generate(request({ maxTokens: 9 }));
    expect(result.finishReason).toBe("length");
    expect(result.usage.outputTokens).toBe(9);
    expect(result.usage.inputTokens).toBe(metadataOf(result).promptTokens);
    expect(result.modelId).toBe(spec);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(result.text.length).toBeGreaterThan(0);
  });

  it("gives the same text for the same seed and another text for another seed", async () => {
    const texts: string[] = [];
    for (const seed of [5, 5, 6]) {
      const fresh = new GgufLanguageModel(spec, modelPath, {
        contextSize: CONTEXT_SIZE,
        threads: 1,
      });
      texts.push((await fresh.generate(request({ seed }))).text);
      await fresh.close();
    }
    expect(texts[1]).toBe(texts[0]);
    expect(texts[2]).not.toBe(texts[0]);
  });

  it("evaluates only the last token when the same conversation comes again", async () => {
    await model.generate(request({ seed: 5 }));
    const cached = await model.generate(request({ seed: 5 }));
    expect(metadataOf(cached).evaluatedPromptTokens).toBe(1);
    expect(metadataOf(cached).reusedPromptTokens).toBe(metadataOf(cached).promptTokens - 1);
  });

  it("runs concurrent calls one at a time with the same results as in sequence", async () => {
    // Reproducible reuse: a text must not depend on which call ran before it.
    const reproducible = new GgufLanguageModel(spec, modelPath, {
      contextSize: CONTEXT_SIZE,
      threads: 1,
      prefixReuse: "reproducible",
    });
    const seeds = [11, 12, 13];
    const concurrent = await Promise.all(
      seeds.map((seed) => reproducible.generate(request({ seed }))),
    );
    for (const [index, seed] of seeds.entries()) {
      const sequential = await reproducible.generate(request({ seed }));
      expect(concurrent[index]?.text).toBe(sequential.text);
    }
    await reproducible.close();
  });

  it("evaluates only the new tokens when a call extends the previous conversation", async () => {
    await model.generate(request({ messages: [{ role: "user", content: "Unrelated opener." }] }));
    const first = await model.generate(request());
    expect(metadataOf(first).reusedPromptTokens).toBeLessThan(10); // only "<s><|im_start|>" and such
    const second = await model.generate(
      request({
        messages: [
          ...conversation,
          { role: "assistant", content: first.text },
          { role: "user", content: "Please answer the question directly." },
        ],
      }),
    );
    const { promptTokens, evaluatedPromptTokens, reusedPromptTokens } = metadataOf(second);
    expect(evaluatedPromptTokens).toBeLessThan(promptTokens);
    expect(reusedPromptTokens).toBeGreaterThanOrEqual(metadataOf(first).promptTokens);
    expect(reusedPromptTokens + evaluatedPromptTokens).toBe(promptTokens);
  });

  it("reuses the shared prefix when a call branches off an earlier point", async () => {
    const shared: ChatMessage[] = [...conversation, { role: "assistant", content: "Reasoning: …" }];
    const refusal = await model.generate(
      request({ messages: [...shared, { role: "user", content: "I cannot help with that." }] }),
    );
    const rebuttal = await model.generate(
      request({ messages: [...shared, { role: "user", content: "Hiding the damage is wrong." }] }),
    );
    const sharedTokens = await countTokens(
      (await model.renderPrompt(shared)).replace(/<\|im_start\|>assistant\n$/, ""),
    );
    expect(metadataOf(refusal).promptTokens).toBeGreaterThan(sharedTokens);
    expect(metadataOf(rebuttal).reusedPromptTokens).toBeGreaterThanOrEqual(sharedTokens);
    expect(metadataOf(rebuttal).evaluatedPromptTokens).toBeLessThan(
      metadataOf(rebuttal).promptTokens - sharedTokens + 5,
    );
  });

  it("in reproducible mode keeps only whole batches and writes what a fresh context writes", async () => {
    const options = { contextSize: CONTEXT_SIZE, threads: 1 } as const;
    const reproducible = new GgufLanguageModel(spec, modelPath, {
      ...options,
      prefixReuse: "reproducible",
    });
    const opening: ChatMessage[] = [
      { role: "system", content: "Think step by step, then answer. ".repeat(40) },
      { role: "user", content: "First question?" },
    ];
    const first = await reproducible.generate(request({ messages: opening, maxTokens: 8 }));
    expect(metadataOf(first).promptTokens).toBeGreaterThan(BATCH_SIZE);
    const followup: ChatMessage[] = [
      ...opening,
      { role: "assistant", content: first.text },
      { role: "user", content: "Second question?" },
    ];
    const second = await reproducible.generate(request({ messages: followup, maxTokens: 8 }));
    const again = await reproducible.generate(request({ messages: followup, maxTokens: 8 }));
    await reproducible.close();
    const fresh = new GgufLanguageModel(spec, modelPath, options);
    const reference = await fresh.generate(request({ messages: followup, maxTokens: 8 }));
    await fresh.close();
    for (const result of [second, again]) {
      const { promptTokens, evaluatedPromptTokens, reusedPromptTokens } = metadataOf(result);
      expect(reusedPromptTokens).toBe(BATCH_SIZE);
      expect(evaluatedPromptTokens).toBe(promptTokens - BATCH_SIZE);
      expect(result.text).toBe(reference.text);
    }
  });

  it("constrains structured output to valid JSON for the schema", async () => {
    const schema = {
      type: "object",
      properties: {
        undesired: { enum: ["yes", "no", "inconclusive"] },
        consistent: { type: "boolean" },
        quote: { type: "string", maxLength: 16 },
      },
      required: ["undesired", "consistent", "quote"],
      additionalProperties: false,
    };
    for (const seed of [1, 2, 3]) {
      const result = await model.generate(
        request({ seed, maxTokens: 300, structuredOutput: { name: "verdict", schema } }),
      );
      expect(result.finishReason).toBe("stop");
      const parsed = JSON.parse(result.text) as Record<string, unknown>;
      expect(Object.keys(parsed).sort()).toEqual(["consistent", "quote", "undesired"]);
      expect(["yes", "no", "inconclusive"]).toContain(parsed.undesired);
      expect(typeof parsed.consistent).toBe("boolean");
      expect(typeof parsed.quote).toBe("string");
    }
  });

  it("fails a prompt longer than the context with a context_length error", async () => {
    const messages: ChatMessage[] = [{ role: "user", content: "word ".repeat(CONTEXT_SIZE) }];
    const promptTokens = await countTokens(await model.renderPrompt(messages));
    expect(promptTokens).toBeGreaterThan(CONTEXT_SIZE);
    const failure = await model.generate(request({ messages })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as ProviderError).kind).toBe("context_length");
    expect((failure as ProviderError).retryable).toBe(false);
    expect((failure as Error).message).toContain(spec);
    expect((failure as Error).message).toContain(`${promptTokens} tokens`);
    expect((failure as Error).message).toContain(`${CONTEXT_SIZE} tokens`);
    const after = await model.generate(request());
    expect(after.finishReason).toBe("length");
  });

  it("caps the reply at the room left in the context instead of dropping messages", async () => {
    const filler = "word ".repeat(Math.floor(CONTEXT_SIZE / 2) - 12);
    const messages: ChatMessage[] = [{ role: "user", content: filler }];
    const promptTokens = await countTokens(await model.renderPrompt(messages));
    const room = CONTEXT_SIZE - promptTokens - 1;
    expect(room).toBeGreaterThan(0);
    expect(room).toBeLessThan(40);
    const result = await model.generate(request({ messages, maxTokens: 200 }));
    expect(metadataOf(result).promptTokens).toBe(promptTokens);
    expect(metadataOf(result).maxTokensCapped).toBe(true);
    expect(result.usage.outputTokens).toBe(room);
    expect(result.finishReason).toBe("length");
  });

  it("rejects an aborted call with the abort reason", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stopped by test"));
    await expect(model.generate(request({ signal: controller.signal }))).rejects.toThrow(
      "stopped by test",
    );
  });

  it("loads a model once per process, also for concurrent first calls", async () => {
    const [first, second] = await Promise.all([loadGgufModel(modelPath), loadGgufModel(modelPath)]);
    expect(second).toBe(first);
    expect(await loadGgufModel(relative(process.cwd(), modelPath))).toBe(first);
  });

  it("names the path of a missing model file", async () => {
    const missing = join(directory, "missing.gguf");
    expect(() => createGgufLanguageModel(`gguf:${missing}`, missing)).toThrow(InputError);
    expect(() => createGgufLanguageModel(`gguf:${missing}`, missing)).toThrow(missing);
    const failure = await new GgufLanguageModel(`gguf:${missing}`, missing)
      .generate(request())
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as ProviderError).kind).toBe("not_found");
    expect((failure as Error).message).toContain(missing);
  });

  it("works again after every model was closed", async () => {
    const fresh = new GgufLanguageModel(spec, modelPath, { contextSize: CONTEXT_SIZE, threads: 1 });
    const before = await fresh.generate(request({ seed: 9 }));
    await model.generate(request({ seed: 9 }));
    await closeAllGgufModels();
    const after = await model.generate(request({ seed: 9 }));
    expect(metadataOf(after).reusedPromptTokens).toBe(0);
    expect(after.text).toBe(before.text);
    await fresh.close();
  });
});
