import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readGgufFileInfo } from "node-llama-cpp";
import { afterAll, describe, expect, it } from "vitest";
import { closeAllGgufModels, loadGgufModel } from "./load-gguf-model.ts";
import {
  buildVocabulary,
  CHATML_TEMPLATE,
  presetParameters,
  writeRandomGguf,
} from "./write-random-gguf.ts";

const directory = mkdtempSync(join(tmpdir(), "candor-gguf-writer-"));

afterAll(async () => {
  await closeAllGgufModels();
  rmSync(directory, { recursive: true, force: true });
});

/** 20,000 × 64 embeddings + 2 blocks × 36,992 + the output norm's 64. */
const TINY_TEST_PARAMETERS = 1_354_048;

describe("writeRandomGguf", () => {
  it("writes tiny-test with the expected parameter count and size", async () => {
    const written = await writeRandomGguf(join(directory, "tiny.gguf"));
    expect(written.parameters).toBe(TINY_TEST_PARAMETERS);
    expect(presetParameters("tiny-test")).toBe(TINY_TEST_PARAMETERS);
    expect(written.bytes).toBe(statSync(written.path).size);
    expect(written.bytes).toBeGreaterThan(1_500_000);
    expect(written.bytes).toBeLessThan(2_500_000);
  });

  it("is deterministic from the seed", async () => {
    const first = await writeRandomGguf(join(directory, "seed-1a.gguf"), { seed: 1 });
    const again = await writeRandomGguf(join(directory, "seed-1b.gguf"), { seed: 1 });
    const other = await writeRandomGguf(join(directory, "seed-2.gguf"), { seed: 2 });
    expect(readFileSync(again.path).equals(readFileSync(first.path))).toBe(true);
    expect(readFileSync(other.path).equals(readFileSync(first.path))).toBe(false);
    expect(other.bytes).toBe(first.bytes);
  });

  it("writes every quantisation with the same parameters and the expected sizes", async () => {
    const sizes: Record<string, number> = {};
    for (const quantization of ["q8_0", "q4_0", "f16"] as const) {
      const written = await writeRandomGguf(join(directory, `tiny-${quantization}.gguf`), {
        quantization,
      });
      expect(written.parameters).toBe(TINY_TEST_PARAMETERS);
      sizes[quantization] = written.bytes;
    }
    expect(sizes.q4_0).toBeLessThan(sizes.q8_0 ?? 0);
    expect(sizes.q8_0).toBeLessThan(sizes.f16 ?? 0);
  });

  it("is read by node-llama-cpp's GGUF parser with the model's metadata and tensors", async () => {
    const written = await writeRandomGguf(join(directory, "parsed.gguf"));
    const info = await readGgufFileInfo(written.path, { readTensorInfo: true });
    expect(info.version).toBe(3);
    const parameters = (info.fullTensorInfo ?? []).reduce(
      (sum, tensor) => sum + tensor.dimensions.reduce<number>((a, b) => a * Number(b), 1),
      0,
    );
    expect(parameters).toBe(TINY_TEST_PARAMETERS);
    expect(info.metadata.general.architecture).toBe("llama");
    expect(info.metadata.tokenizer.chat_template).toBe(CHATML_TEMPLATE);
    expect(info.metadata.tokenizer.ggml.tokens).toHaveLength(20_000);
  });

  it("loads in llama.cpp and tokenizes text with its vocabulary", async () => {
    const written = await writeRandomGguf(join(directory, "loaded.gguf"), { quantization: "q4_0" });
    const model = await loadGgufModel(written.path);
    expect(model.size).toBeGreaterThan(0);
    expect(model.trainContextSize).toBe(8192);
    const tokens = model.tokenize("<|im_start|>user\nhello world<|im_end|>", true);
    expect(model.detokenize(tokens, true)).toBe("<|im_start|>user\nhello world<|im_end|>");
    expect(tokens[0]).toBe(3); // <|im_start|> is one special token
  });
});

describe("buildVocabulary", () => {
  it("has the special and byte tokens first and exactly the requested size", () => {
    const vocabulary = buildVocabulary(1000);
    expect(vocabulary.tokens.slice(0, 5)).toEqual([
      "<unk>",
      "<s>",
      "</s>",
      "<|im_start|>",
      "<|im_end|>",
    ]);
    expect(vocabulary.tokens[5]).toBe("<0x00>");
    expect(vocabulary.tokens).toHaveLength(1000);
    expect(new Set(vocabulary.tokens).size).toBe(1000);
    expect(vocabulary.scores).toHaveLength(1000);
    expect(vocabulary.types).toHaveLength(1000);
  });
});
