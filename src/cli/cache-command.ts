import { type Command, InvalidArgumentError } from "commander";
import { DEFAULT_CACHE_DIR } from "../providers/middleware/with-response-cache.ts";
import { cacheStats, clearCache } from "../providers/response-cache-files.ts";
import { confirmOrRefuse } from "./confirm.ts";

const CACHE_DIR_HELP = `response cache directory (default ${DEFAULT_CACHE_DIR} or $CANDOR_CACHE_DIR)`;

export function registerCacheCommand(program: Command): void {
  const cache = program
    .command("cache")
    .description("See or clear the response cache (replies kept so re-runs replay them).");
  cache
    .command("stats")
    .description("Entries, size, oldest and newest entry of the response cache.")
    .option("--cache-dir <dir>", CACHE_DIR_HELP)
    .option("--json", "print JSON")
    .action((options: { cacheDir?: string; json?: boolean }) => {
      const directory = cacheDirectory(options);
      const stats = cacheStats(directory);
      if (options.json) {
        const json = {
          directory,
          entries: stats.entries,
          bytes: stats.bytes,
          oldest: stats.oldest?.toISOString() ?? null,
          newest: stats.newest?.toISOString() ?? null,
        };
        process.stdout.write(`${JSON.stringify(json)}\n`);
        return;
      }
      const span = stats.oldest
        ? `, written ${stats.oldest.toISOString()} to ${stats.newest?.toISOString()}`
        : "";
      process.stdout.write(
        `${directory}: ${stats.entries} entries, ${megabytes(stats.bytes)}${span}\n`,
      );
    });
  cache
    .command("clear")
    .description(
      "Remove cached replies (all, or those older than --older-than); asks unless --yes.",
    )
    .option("--cache-dir <dir>", CACHE_DIR_HELP)
    .option("--older-than <age>", "only entries written longer ago than this: 30d, 12h, 90m", age)
    .option("--yes", "do not ask")
    .action(async (options: { cacheDir?: string; olderThan?: number; yes?: boolean }) => {
      const directory = cacheDirectory(options);
      const before =
        options.olderThan === undefined ? undefined : new Date(Date.now() - options.olderThan);
      const which = before ? `entries written before ${before.toISOString()}` : "every entry";
      await confirmOrRefuse(`Remove ${which} of the response cache ${directory}?`, options.yes);
      const removed = clearCache(directory, before);
      process.stdout.write(
        `removed ${removed.entries} entries (${megabytes(removed.bytes)}) from ${directory}\n`,
      );
    });
}

function cacheDirectory(options: { cacheDir?: string }): string {
  return options.cacheDir ?? process.env.CANDOR_CACHE_DIR ?? DEFAULT_CACHE_DIR;
}

const AGE_UNITS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000 };

/** `30d`, `12h`, `90m` → milliseconds. */
export function age(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(d|h|m)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError("expected an age such as 30d, 12h or 90m");
  return Number(match[1]) * (AGE_UNITS[match[2] as string] as number);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
