import { readdirSync, rmdirSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";

/** The response cache's entry files: `DIR/ab/<sha256>.json`, one per cached reply. */
interface CacheEntry {
  path: string;
  bytes: number;
  modifiedMs: number;
}

const ENTRY_NAME = /^[0-9a-f]{64}\.json$/;
const SHARD_NAME = /^[0-9a-f]{2}$/;

/** Entries only: nothing else in the folder is ever listed or removed. */
function cacheEntries(directory: string): CacheEntry[] {
  const entries: CacheEntry[] = [];
  for (const shard of readdirOrEmpty(directory)) {
    if (!SHARD_NAME.test(shard)) continue;
    for (const name of readdirOrEmpty(join(directory, shard))) {
      if (!ENTRY_NAME.test(name)) continue;
      const path = join(directory, shard, name);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (stat?.isFile()) entries.push({ path, bytes: stat.size, modifiedMs: stat.mtimeMs });
    }
  }
  return entries;
}

function readdirOrEmpty(directory: string): string[] {
  try {
    return readdirSync(directory);
  } catch {
    return [];
  }
}

export interface CacheStats {
  entries: number;
  bytes: number;
  oldest: Date | null;
  newest: Date | null;
}

export function cacheStats(directory: string): CacheStats {
  const entries = cacheEntries(directory);
  let oldest = Number.POSITIVE_INFINITY;
  let newest = Number.NEGATIVE_INFINITY;
  for (const entry of entries) {
    oldest = Math.min(oldest, entry.modifiedMs);
    newest = Math.max(newest, entry.modifiedMs);
  }
  return {
    entries: entries.length,
    bytes: entries.reduce((sum, entry) => sum + entry.bytes, 0),
    oldest: entries.length ? new Date(oldest) : null,
    newest: entries.length ? new Date(newest) : null,
  };
}

/** Removes entries last written before `olderThan` (all when undefined); empty shards go too. */
export function clearCache(
  directory: string,
  olderThan?: Date,
): { entries: number; bytes: number } {
  const removed = { entries: 0, bytes: 0 };
  for (const entry of cacheEntries(directory)) {
    if (olderThan && entry.modifiedMs >= olderThan.getTime()) continue;
    unlinkSync(entry.path);
    removed.entries += 1;
    removed.bytes += entry.bytes;
  }
  for (const shard of readdirOrEmpty(directory)) {
    if (!SHARD_NAME.test(shard)) continue;
    try {
      rmdirSync(join(directory, shard));
    } catch {
      // Not empty: newer entries stay.
    }
  }
  return removed;
}
