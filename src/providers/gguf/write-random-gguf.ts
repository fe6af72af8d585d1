import { type FileHandle, open } from "node:fs/promises";

/**
 * Writes a GGUF v3 file with RANDOM weights in the tensor shapes of a real model, a synthetic
 * SentencePiece-style vocabulary and a ChatML chat template. llama.cpp loads and runs it like the
 * real model (same speed and memory for the same shape and quantisation), but its output is
 * gibberish: it exercises the local-model code path, never model behaviour.
 */

/** Shapes copied from the public configs of these models; `tiny-test` is for tests. */
const PRESETS = {
  "tiny-test": {
    architecture: "llama",
    embeddingLength: 64,
    blockCount: 2,
    headCount: 4,
    headCountKv: 2,
    feedForwardLength: 128,
    vocabularySize: 20_000,
    attentionBias: false,
    ropeFrequencyBase: 10_000,
    contextLength: 8192,
  },
  "qwen2.5-0.5b": {
    architecture: "qwen2",
    embeddingLength: 896,
    blockCount: 24,
    headCount: 14,
    headCountKv: 2,
    feedForwardLength: 4864,
    vocabularySize: 151_936,
    attentionBias: true,
    ropeFrequencyBase: 1_000_000,
    contextLength: 32_768,
  },
  "qwen2.5-1.5b": {
    architecture: "qwen2",
    embeddingLength: 1536,
    blockCount: 28,
    headCount: 12,
    headCountKv: 2,
    feedForwardLength: 8960,
    vocabularySize: 151_936,
    attentionBias: true,
    ropeFrequencyBase: 1_000_000,
    contextLength: 32_768,
  },
  "smollm2-360m": {
    architecture: "llama",
    embeddingLength: 960,
    blockCount: 32,
    headCount: 15,
    headCountKv: 5,
    feedForwardLength: 2560,
    vocabularySize: 49_152,
    attentionBias: false,
    ropeFrequencyBase: 100_000,
    contextLength: 8192,
  },
  "llama3.2-1b": {
    architecture: "llama",
    embeddingLength: 2048,
    blockCount: 16,
    headCount: 32,
    headCountKv: 8,
    feedForwardLength: 8192,
    vocabularySize: 128_256,
    attentionBias: false,
    ropeFrequencyBase: 500_000,
    contextLength: 131_072,
  },
  "llama3.2-3b": {
    architecture: "llama",
    embeddingLength: 3072,
    blockCount: 28,
    headCount: 24,
    headCountKv: 8,
    feedForwardLength: 8192,
    vocabularySize: 128_256,
    attentionBias: false,
    ropeFrequencyBase: 500_000,
    contextLength: 131_072,
  },
} as const satisfies Record<string, ModelShape>;

export type RandomGgufPreset = keyof typeof PRESETS;
export type RandomGgufQuantization = "q8_0" | "q4_0" | "f16";

export interface ModelShape {
  architecture: "llama" | "qwen2";
  embeddingLength: number;
  blockCount: number;
  headCount: number;
  headCountKv: number;
  feedForwardLength: number;
  vocabularySize: number;
  /** Qwen2 has biases on the q, k and v projections. */
  attentionBias: boolean;
  ropeFrequencyBase: number;
  contextLength: number;
}

export interface WriteRandomGgufOptions {
  /** Default `tiny-test` (about 1.35M parameters, 2 MB). */
  preset?: RandomGgufPreset;
  /** Default `q8_0`. */
  quantization?: RandomGgufQuantization;
  /** Seeds the weights; the same seed writes the same bytes. Default 0. */
  seed?: number;
}

export interface WrittenGguf {
  path: string;
  /** Number of weights in all tensors. */
  parameters: number;
  /** File size. */
  bytes: number;
}

export const RANDOM_GGUF_PRESETS = Object.keys(PRESETS) as RandomGgufPreset[];

/** The ChatML template (as used by Qwen2.5), stored as `tokenizer.chat_template`. */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

const ALIGNMENT = 32;
const GGUF_VERSION = 3;

/** ggml tensor types used here. */
const TensorType = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 8 } as const;
type TensorType = (typeof TensorType)[keyof typeof TensorType];

const WEIGHT_TYPE: Record<RandomGgufQuantization, TensorType> = {
  q8_0: TensorType.Q8_0,
  q4_0: TensorType.Q4_0,
  f16: TensorType.F16,
};

/** `general.file_type` (llama_ftype) for each quantisation. */
const FILE_TYPE: Record<RandomGgufQuantization, number> = { f16: 1, q4_0: 2, q8_0: 7 };

/** Quantised blocks: 32 weights share one fp16 scale. */
const BLOCK_WEIGHTS = 32;
const BLOCK_BYTES: Partial<Record<TensorType, number>> = {
  [TensorType.Q8_0]: 2 + 32,
  [TensorType.Q4_0]: 2 + 16,
};

/** Standard deviation of the random weights (a typical initialisation). */
const WEIGHT_STD = 0.02;
/** Standard deviation of uniform int8 in [-127, 127] and of uniform int4 in [-8, 7]. */
const INT8_UNIFORM_STD = 73.3;
const INT4_UNIFORM_STD = 4.6;

export async function writeRandomGguf(
  path: string,
  options: WriteRandomGgufOptions = {},
): Promise<WrittenGguf> {
  const presetName = options.preset ?? "tiny-test";
  const quantization = options.quantization ?? "q8_0";
  const shape: ModelShape | undefined = PRESETS[presetName];
  if (!shape) {
    throw new RangeError(
      `unknown preset "${presetName}"; one of ${RANDOM_GGUF_PRESETS.join(", ")}`,
    );
  }
  if (!(quantization in WEIGHT_TYPE)) {
    throw new RangeError(`unknown quantization "${quantization}"; one of q8_0, q4_0, f16`);
  }
  const tensors = listTensors(shape, WEIGHT_TYPE[quantization]);
  const metadata = buildMetadata(shape, `random-${presetName}-${quantization}`, quantization);
  const header = encodeHeader(metadata, tensors);
  const random = new XorShift32(options.seed ?? 0);

  const file = await open(path, "w");
  try {
    let bytes = await writeAll(file, header);
    for (const spec of tensors) {
      bytes += await writeAll(file, randomTensorData(spec, random));
      bytes += await writeAll(file, new Uint8Array(paddingAfter(spec.byteSize)));
    }
    return { path, parameters: countParameters(tensors), bytes };
  } finally {
    await file.close();
  }
}

/** Parameters of a preset without writing it. */
export function presetParameters(preset: RandomGgufPreset): number {
  return countParameters(listTensors(PRESETS[preset], TensorType.F16));
}

// ---- tensors ----

interface TensorSpec {
  name: string;
  /** ggml order: the first dimension varies fastest. */
  dimensions: number[];
  type: TensorType;
  byteSize: number;
}

function tensor(name: string, dimensions: number[], type: TensorType): TensorSpec {
  return { name, dimensions, type, byteSize: tensorByteSize(dimensions, type) };
}

/** The tensors of a llama-style decoder with tied input and output embeddings. */
function listTensors(shape: ModelShape, weightType: TensorType): TensorSpec[] {
  const embedding = shape.embeddingLength;
  const keyValueWidth = shape.headCountKv * (embedding / shape.headCount);
  const feedForward = shape.feedForwardLength;
  const tensors = [
    tensor("token_embd.weight", [embedding, shape.vocabularySize], weightType),
    tensor("output_norm.weight", [embedding], TensorType.F32),
  ];
  for (let block = 0; block < shape.blockCount; block++) {
    const prefix = `blk.${block}.`;
    tensors.push(
      tensor(`${prefix}attn_norm.weight`, [embedding], TensorType.F32),
      tensor(`${prefix}attn_q.weight`, [embedding, embedding], weightType),
      tensor(`${prefix}attn_k.weight`, [embedding, keyValueWidth], weightType),
      tensor(`${prefix}attn_v.weight`, [embedding, keyValueWidth], weightType),
    );
    if (shape.attentionBias) {
      tensors.push(
        tensor(`${prefix}attn_q.bias`, [embedding], TensorType.F32),
        tensor(`${prefix}attn_k.bias`, [keyValueWidth], TensorType.F32),
        tensor(`${prefix}attn_v.bias`, [keyValueWidth], TensorType.F32),
      );
    }
    tensors.push(
      tensor(`${prefix}attn_output.weight`, [embedding, embedding], weightType),
      tensor(`${prefix}ffn_norm.weight`, [embedding], TensorType.F32),
      tensor(`${prefix}ffn_gate.weight`, [embedding, feedForward], weightType),
      tensor(`${prefix}ffn_up.weight`, [embedding, feedForward], weightType),
      tensor(`${prefix}ffn_down.weight`, [feedForward, embedding], weightType),
    );
  }
  return tensors;
}

function elementCount(dimensions: readonly number[]): number {
  return dimensions.reduce((product, dimension) => product * dimension, 1);
}

function countParameters(tensors: readonly TensorSpec[]): number {
  return tensors.reduce((sum, spec) => sum + elementCount(spec.dimensions), 0);
}

function tensorByteSize(dimensions: readonly number[], type: TensorType): number {
  const elements = elementCount(dimensions);
  if (type === TensorType.F32) return elements * 4;
  if (type === TensorType.F16) return elements * 2;
  return (elements / BLOCK_WEIGHTS) * (BLOCK_BYTES[type] ?? 0);
}

function alignUp(offset: number): number {
  return Math.ceil(offset / ALIGNMENT) * ALIGNMENT;
}

function paddingAfter(size: number): number {
  return alignUp(size) - size;
}

// ---- tensor data ----

/** Norm weights are 1, biases 0, weight matrices uniform noise with std WEIGHT_STD. */
function randomTensorData(spec: TensorSpec, random: XorShift32): Uint8Array {
  if (spec.type === TensorType.F32) {
    return new Uint8Array(
      new Float32Array(spec.byteSize / 4).fill(spec.name.endsWith(".bias") ? 0 : 1).buffer,
    );
  }
  if (spec.type === TensorType.F16) return randomHalfFloats(spec.byteSize / 2, random);
  return randomQuantizedBlocks(spec, random);
}

function randomHalfFloats(count: number, random: XorShift32): Uint8Array {
  const halves = new Uint16Array(count);
  const halfWidth = WEIGHT_STD * Math.sqrt(3); // uniform on [-w, w] has std w / sqrt(3)
  for (let index = 0; index < count; index++) {
    halves[index] = float32ToFloat16((random.nextFloat() * 2 - 1) * halfWidth);
  }
  return new Uint8Array(halves.buffer);
}

/** Each block: an fp16 scale, then random packed integers (int8 for Q8_0, nibbles for Q4_0). */
function randomQuantizedBlocks(spec: TensorSpec, random: XorShift32): Uint8Array {
  const data = new Uint8Array(alignUp(spec.byteSize));
  random.fillBytes(data);
  const blockBytes = BLOCK_BYTES[spec.type] ?? 0;
  const isQ8 = spec.type === TensorType.Q8_0;
  const scale = float32ToFloat16(WEIGHT_STD / (isQ8 ? INT8_UNIFORM_STD : INT4_UNIFORM_STD));
  for (let offset = 0; offset < spec.byteSize; offset += blockBytes) {
    data[offset] = scale & 0xff;
    data[offset + 1] = scale >>> 8;
    if (isQ8) avoidInt8Minimum(data, offset + 2, offset + blockBytes);
  }
  return data.subarray(0, spec.byteSize);
}

/** llama.cpp's Q8_0 quantiser never writes -128; keep the values in [-127, 127]. */
function avoidInt8Minimum(data: Uint8Array, start: number, end: number): void {
  for (let index = start; index < end; index++) {
    if (data[index] === 0x80) data[index] = 0x81;
  }
}

const conversionFloat = new Float32Array(1);
const conversionBits = new Uint32Array(conversionFloat.buffer);

/** Round-toward-zero fp32 → fp16; tiny values flush to zero (enough for weights of ±0.04). */
function float32ToFloat16(value: number): number {
  conversionFloat[0] = value;
  const bits = conversionBits[0] ?? 0;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  if (exponent <= 0) return sign;
  if (exponent >= 31) return sign | 0x7c00;
  return sign | (exponent << 10) | ((bits & 0x7fffff) >>> 13);
}

/** A small deterministic generator; the same seed gives the same weights on every platform. */
class XorShift32 {
  private state: number;

  constructor(seed: number) {
    // Mix the seed (murmur3 finaliser) so nearby seeds give unrelated streams; 0 is not a state.
    let mixed = (seed ^ 0x9e3779b9) >>> 0;
    mixed = Math.imul(mixed ^ (mixed >>> 16), 0x85ebca6b);
    mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
    this.state = (mixed ^ (mixed >>> 16)) >>> 0 || 0x9e3779b9;
  }

  next(): number {
    let state = this.state;
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    this.state = state >>> 0;
    return this.state;
  }

  /** Uniform in [0, 1). */
  nextFloat(): number {
    return this.next() / 4294967296;
  }

  /** Fills a buffer whose length is a multiple of 4, one 32-bit draw per word. */
  fillBytes(data: Uint8Array): void {
    const words = new Uint32Array(data.buffer, data.byteOffset, data.byteLength / 4);
    for (let index = 0; index < words.length; index++) words[index] = this.next();
  }
}

// ---- vocabulary ----

/** GGUF `tokenizer.ggml.token_type` values. */
const TokenType = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;

interface Vocabulary {
  tokens: string[];
  scores: number[];
  types: number[];
}

const WORD_START = "\u2581"; // SentencePiece's "▁" marks a preceding space

/**
 * Special tokens, the 256 byte tokens, then printable characters, letter pairs and triples (each
 * also with a leading "▁"), padded with filler pieces up to the vocabulary size. Longer pieces
 * score lower, so the tokenizer prefers them only where they apply.
 */
export function buildVocabulary(size: number): Vocabulary {
  const vocabulary: Vocabulary = { tokens: [], scores: [], types: [] };
  const seen = new Set<string>();
  const add = (piece: string, score: number, type: number) => {
    if (seen.has(piece) || vocabulary.tokens.length >= size) return;
    seen.add(piece);
    vocabulary.tokens.push(piece);
    vocabulary.scores.push(score);
    vocabulary.types.push(type);
  };
  add("<unk>", 0, TokenType.unknown);
  for (const special of ["<s>", "</s>", "<|im_start|>", "<|im_end|>"]) {
    add(special, 0, TokenType.control);
  }
  for (let byte = 0; byte < 256; byte++) add(byteTokenName(byte), 0, TokenType.byte);
  const addPiece = (piece: string, score: number) => {
    add(piece, score, TokenType.normal);
    add(WORD_START + piece, score, TokenType.normal);
  };
  for (const character of printableCharacters()) addPiece(character, -1);
  for (const pair of letterCombinations(2)) addPiece(pair, -2);
  for (const triple of letterCombinations(3)) addPiece(triple, -3);
  for (let filler = 0; vocabulary.tokens.length < size; filler++) {
    add(`${WORD_START}x${filler}`, -10, TokenType.normal);
  }
  return vocabulary;
}

function byteTokenName(byte: number): string {
  return `<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`;
}

/** Printable ASCII (the space written as "▁") and the newline. */
function printableCharacters(): string[] {
  const characters = [WORD_START];
  for (let code = 33; code < 127; code++) characters.push(String.fromCharCode(code));
  characters.push("\n");
  return characters;
}

function letterCombinations(length: number): string[] {
  const letters = "abcdefghijklmnopqrstuvwxyz".split("");
  let combinations = [""];
  for (let position = 0; position < length; position++) {
    combinations = combinations.flatMap((prefix) => letters.map((letter) => prefix + letter));
  }
  return combinations;
}

// ---- metadata ----

type MetadataValue =
  | { type: "string"; value: string }
  | { type: "uint32"; value: number }
  | { type: "float32"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "string[]"; value: readonly string[] }
  | { type: "float32[]"; value: readonly number[] }
  | { type: "int32[]"; value: readonly number[] };

type MetadataEntry = [key: string, value: MetadataValue];

const string = (value: string): MetadataValue => ({ type: "string", value });
const uint32 = (value: number): MetadataValue => ({ type: "uint32", value });
const float32 = (value: number): MetadataValue => ({ type: "float32", value });

function buildMetadata(
  shape: ModelShape,
  name: string,
  quantization: RandomGgufQuantization,
): MetadataEntry[] {
  const architecture = shape.architecture;
  const vocabulary = buildVocabulary(shape.vocabularySize);
  return [
    ["general.architecture", string(architecture)],
    ["general.name", string(name)],
    ["general.file_type", uint32(FILE_TYPE[quantization])],
    ["general.alignment", uint32(ALIGNMENT)],
    [`${architecture}.context_length`, uint32(shape.contextLength)],
    [`${architecture}.embedding_length`, uint32(shape.embeddingLength)],
    [`${architecture}.block_count`, uint32(shape.blockCount)],
    [`${architecture}.feed_forward_length`, uint32(shape.feedForwardLength)],
    [`${architecture}.attention.head_count`, uint32(shape.headCount)],
    [`${architecture}.attention.head_count_kv`, uint32(shape.headCountKv)],
    [`${architecture}.attention.layer_norm_rms_epsilon`, float32(1e-6)],
    [`${architecture}.rope.freq_base`, float32(shape.ropeFrequencyBase)],
    [`${architecture}.rope.dimension_count`, uint32(shape.embeddingLength / shape.headCount)],
    [`${architecture}.vocab_size`, uint32(shape.vocabularySize)],
    ["tokenizer.ggml.model", string("llama")],
    ["tokenizer.ggml.tokens", { type: "string[]", value: vocabulary.tokens }],
    ["tokenizer.ggml.scores", { type: "float32[]", value: vocabulary.scores }],
    ["tokenizer.ggml.token_type", { type: "int32[]", value: vocabulary.types }],
    ["tokenizer.ggml.bos_token_id", uint32(1)],
    ["tokenizer.ggml.eos_token_id", uint32(4)], // <|im_end|> ends a ChatML turn
    ["tokenizer.ggml.unknown_token_id", uint32(0)],
    ["tokenizer.ggml.add_bos_token", { type: "bool", value: false }],
    // Like byte-level BPE models: no phantom space before the text after a special token.
    ["tokenizer.ggml.add_space_prefix", { type: "bool", value: false }],
    ["tokenizer.chat_template", string(CHATML_TEMPLATE)],
  ];
}

// ---- encoding ----

/** GGUF metadata value types. */
const ValueType = { int32: 5, uint32: 4, float32: 6, bool: 7, string: 8, array: 9 } as const;

/** Magic, version, counts, metadata, tensor infos, padded to the alignment. */
function encodeHeader(metadata: readonly MetadataEntry[], tensors: readonly TensorSpec[]) {
  const writer = new ByteWriter();
  writer.bytes(new TextEncoder().encode("GGUF"));
  writer.uint32(GGUF_VERSION);
  writer.uint64(tensors.length);
  writer.uint64(metadata.length);
  for (const [key, value] of metadata) {
    writer.string(key);
    encodeMetadataValue(writer, value);
  }
  let offset = 0;
  for (const spec of tensors) {
    writer.string(spec.name);
    writer.uint32(spec.dimensions.length);
    for (const dimension of spec.dimensions) writer.uint64(dimension);
    writer.uint32(spec.type);
    writer.uint64(offset);
    offset = alignUp(offset + spec.byteSize);
  }
  writer.bytes(new Uint8Array(paddingAfter(writer.length)));
  return writer.finish();
}

function encodeMetadataValue(writer: ByteWriter, entry: MetadataValue): void {
  switch (entry.type) {
    case "string":
      writer.uint32(ValueType.string);
      writer.string(entry.value);
      break;
    case "uint32":
      writer.uint32(ValueType.uint32);
      writer.uint32(entry.value);
      break;
    case "float32":
      writer.uint32(ValueType.float32);
      writer.float32(entry.value);
      break;
    case "bool":
      writer.uint32(ValueType.bool);
      writer.bytes(new Uint8Array([entry.value ? 1 : 0]));
      break;
    case "string[]":
      writeArrayHeader(writer, ValueType.string, entry.value.length);
      for (const item of entry.value) writer.string(item);
      break;
    case "float32[]":
      writeArrayHeader(writer, ValueType.float32, entry.value.length);
      for (const item of entry.value) writer.float32(item);
      break;
    case "int32[]":
      writeArrayHeader(writer, ValueType.int32, entry.value.length);
      for (const item of entry.value) writer.int32(item);
      break;
  }
}

function writeArrayHeader(writer: ByteWriter, itemType: number, length: number): void {
  writer.uint32(ValueType.array);
  writer.uint32(itemType);
  writer.uint64(length);
}

/** A growable little-endian byte buffer. */
class ByteWriter {
  private buffer = new Uint8Array(1 << 16);
  private view = new DataView(this.buffer.buffer);
  private position = 0;
  private readonly encoder = new TextEncoder();

  get length(): number {
    return this.position;
  }

  uint32(value: number): void {
    this.reserve(4).setUint32(this.position - 4, value, true);
  }

  int32(value: number): void {
    this.reserve(4).setInt32(this.position - 4, value, true);
  }

  uint64(value: number): void {
    this.reserve(8).setBigUint64(this.position - 8, BigInt(value), true);
  }

  float32(value: number): void {
    this.reserve(4).setFloat32(this.position - 4, value, true);
  }

  /** A GGUF string: uint64 byte length, then UTF-8 bytes. */
  string(value: string): void {
    const encoded = this.encoder.encode(value);
    this.uint64(encoded.length);
    this.bytes(encoded);
  }

  bytes(value: Uint8Array): void {
    this.reserve(value.length);
    this.buffer.set(value, this.position - value.length);
  }

  finish(): Uint8Array {
    return this.buffer.subarray(0, this.position);
  }

  /** Makes room for `size` bytes and advances past them. */
  private reserve(size: number): DataView {
    const needed = this.position + size;
    if (needed > this.buffer.length) {
      const grown = new Uint8Array(Math.max(needed, this.buffer.length * 2));
      grown.set(this.buffer.subarray(0, this.position));
      this.buffer = grown;
      this.view = new DataView(grown.buffer);
    }
    this.position = needed;
    return this.view;
  }
}

/** Writes every byte (a single write may be partial) and returns how many. */
async function writeAll(file: FileHandle, data: Uint8Array): Promise<number> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await file.write(data, written, data.length - written);
    written += bytesWritten;
  }
  return data.length;
}
