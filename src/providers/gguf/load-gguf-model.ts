import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { getLlama, type Llama, LlamaLogLevel, type LlamaModel } from "node-llama-cpp";
import { ProviderError } from "../provider-error.ts";

/**
 * One llama.cpp runtime and one loaded model per GGUF file for the whole process: models are
 * large, so every GgufLanguageModel on the same file shares the weights (each keeps its own
 * context). Nothing here downloads or builds anything.
 */

let llamaLoading: Promise<Llama> | undefined;
const modelsByPath = new Map<string, Promise<LlamaModel>>();

/** The prebuilt CPU runtime that ships with node-llama-cpp; never builds, never downloads. */
export function getLocalLlama(): Promise<Llama> {
  if (!llamaLoading) {
    const loading = openLlama();
    llamaLoading = loading;
    loading.catch(() => {
      if (llamaLoading === loading) llamaLoading = undefined;
    });
  }
  return llamaLoading;
}

async function openLlama(): Promise<Llama> {
  const llama = await getLlama({
    build: "never",
    gpu: false,
    usePrebuiltBinaries: true,
    skipDownload: true,
    progressLogs: false,
    logLevel: LlamaLogLevel.warn,
  });
  // The default budget is max(math cores, 4) threads. On a 2-core machine 4 threads, or two
  // contexts of 2, made generation 100 times slower than 1 thread; share the real cores instead.
  llama.maxThreads = llama.cpuMathCores;
  return llama;
}

/**
 * The model at `path` (cached by absolute path), loaded on first use. Concurrent first calls share one load; a
 * failed load is forgotten so that a later call tries again.
 */
export function loadGgufModel(path: string): Promise<LlamaModel> {
  const absolutePath = resolve(path);
  const cached = modelsByPath.get(absolutePath);
  if (cached) return cached;
  const loading = openModel(absolutePath);
  modelsByPath.set(absolutePath, loading);
  loading.catch(() => {
    if (modelsByPath.get(absolutePath) === loading) modelsByPath.delete(absolutePath);
  });
  return loading;
}

/** Frees every loaded model (and their contexts) and the runtime: for tests and process exit. */
export async function closeAllGgufModels(): Promise<void> {
  const loadings = [...modelsByPath.values()];
  modelsByPath.clear();
  const llama = llamaLoading;
  llamaLoading = undefined;
  for (const loading of loadings) {
    const model = await loading.catch(() => undefined);
    await model?.dispose();
  }
  await (await llama?.catch(() => undefined))?.dispose();
}

async function openModel(absolutePath: string): Promise<LlamaModel> {
  await assertModelFile(absolutePath);
  const llama = await getLocalLlama();
  try {
    return await llama.loadModel({ modelPath: absolutePath });
  } catch (error) {
    throw new ProviderError(
      `cannot load GGUF model ${absolutePath}: ${error instanceof Error ? error.message : String(error)}`,
      { kind: "bad_request", cause: error },
    );
  }
}

async function assertModelFile(absolutePath: string): Promise<void> {
  const info = await stat(absolutePath).catch(() => undefined);
  if (!info?.isFile()) {
    throw new ProviderError(`GGUF model file not found: ${absolutePath}`, { kind: "not_found" });
  }
}
