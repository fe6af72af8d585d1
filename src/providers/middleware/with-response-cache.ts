import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { GenerateRequest, GenerateResult, LanguageModel } from "../../spec/language-model.ts";

export const DEFAULT_CACHE_DIR = ".candor-cache";

/**
 * An on-disk, content-addressed response cache. The key covers the model spec, the endpoint, the
 * messages, the generation settings and the sample index (never a key), so re-running replays
 * exactly while repeats stay independent draws, and arms that share a prefix share its turns.
 */
export function withResponseCache(
  model: LanguageModel,
  options: { directory: string; endpoint: string },
): LanguageModel {
  // Arms of one sample ask for the same prefix turns at about the same time: one call serves all.
  const inFlight = new Map<string, Promise<GenerateResult>>();
  const fetchAndStore = async (key: string, file: string, request: GenerateRequest) => {
    try {
      const result = await model.generate(request);
      writeEntry(file, result);
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

function readEntry(file: string): GenerateResult | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as GenerateResult;
  } catch {
    // A missing or torn entry is a miss; the call is made again and the entry rewritten.
    return undefined;
  }
}

/** Write to a temporary name, then rename: readers never see half an entry. */
function writeEntry(file: string, result: GenerateResult): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(temporary, JSON.stringify(result));
  renameSync(temporary, file);
}
