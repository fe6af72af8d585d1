import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as z from "zod";
import type { GenerateRequest, GenerateResult, LanguageModel } from "../../spec/language-model.ts";

export const DEFAULT_CACHE_DIR = ".candor-cache";

/**
 * An on-disk, content-addressed response cache. The key covers the model spec, the endpoint, the
 * messages, the generation settings and the sample index (never a key), so re-running replays
 * exactly while repeats stay independent draws, and arms that share a prefix share its turns.
 */
export function withResponseCache(
  model: LanguageModel,
  options: { directory: string; endpoint: string; warn?: (message: string) => void },
): LanguageModel {
  // Arms of one sample ask for the same prefix turns at about the same time: one call serves all.
  const inFlight = new Map<string, Promise<GenerateResult>>();
  const fetchAndStore = async (key: string, file: string, request: GenerateRequest) => {
    try {
      const result = await model.generate(request);
      storeEntry(options.directory, file, result, options.warn);
      return result;
    } finally {
      inFlight.delete(key);
    }
  };
  return {
    spec: model.spec,
    simulated: model.simulated,
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const key = cacheKey(model.spec, options.endpoint, request);
      const file = join(options.directory, key.slice(0, 2), `${key}.json`);
      const hit = readEntry(file);
      if (hit) return { ...hit, metadata: { ...hit.metadata, cached: true } };
      const pending = inFlight.get(key);
      if (pending)
        return { ...(await pending), metadata: { ...(await pending).metadata, cached: true } };
      const call = fetchAndStore(key, file, request);
      inFlight.set(key, call);
      return call;
    },
  };
}

export function cacheKey(spec: string, endpoint: string, request: GenerateRequest): string {
  const material = JSON.stringify({
    version: 1,
    spec,
    endpoint,
    messages: request.messages,
    temperature: request.temperature,
    topP: request.topP,
    maxTokens: request.maxTokens,
    seed: request.seed,
    sampleIndex: request.sampleIndex,
    structuredOutput: request.structuredOutput ?? null,
  });
  return createHash("sha256").update(material).digest("hex");
}

/** What a cache entry must hold to be replayed; anything else is a miss. */
const cachedResultSchema = z
  .object({
    text: z.string(),
    nativeReasoning: z
      .object({ text: z.string(), visibility: z.enum(["raw", "summary", "hidden", "none"]) })
      .optional(),
    usage: z.object({
      inputTokens: z.number().nonnegative(),
      outputTokens: z.number().nonnegative(),
    }),
    modelId: z.string(),
    fingerprint: z.string().optional(),
    finishReason: z.string(),
    latencyMs: z.number(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    // The original call's request and response bodies: a hit shows what was once received.
    exchange: z.object({ request: z.unknown(), response: z.unknown() }).optional(),
  })
  // An empty reply is a provider fault, never replayed (older versions stored some).
  .refine((entry) => entry.text !== "" || Boolean(entry.nativeReasoning?.text));

function readEntry(file: string): GenerateResult | undefined {
  try {
    const parsed = cachedResultSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    // A missing, torn or misshapen entry is a miss; the call is made again and the entry rewritten.
    return parsed.success ? (parsed.data as GenerateResult) : undefined;
  } catch {
    return undefined;
  }
}

/** Cache directories that could not be written: said once, then the run goes on uncached. */
const unwritableDirectories = new Set<string>();

/** A paid reply is never lost to the cache: a failed write is reported once per directory. */
function storeEntry(
  directory: string,
  file: string,
  result: GenerateResult,
  warn: (message: string) => void = (message) => process.stderr.write(`candor: ${message}\n`),
): void {
  if (unwritableDirectories.has(directory)) return;
  try {
    writeEntry(file, result);
  } catch (error) {
    if (unwritableDirectories.has(directory)) return;
    unwritableDirectories.add(directory);
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    warn(`the response cache ${directory} cannot be written (${reason}); going on without caching`);
  }
}

/** Write to a temporary name, then rename: readers never see half an entry. */
function writeEntry(file: string, result: GenerateResult): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    writeFileSync(temporary, JSON.stringify(result));
    renameSync(temporary, file);
  } catch (error) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing was left behind, or nothing can be removed; the write error says why.
    }
    throw error;
  }
}
