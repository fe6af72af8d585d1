import type Database from "better-sqlite3";

/** Errored trials that failed for the same reason, once what varies per call is taken out. */
export interface ErrorGroup {
  reason: string;
  count: number;
}

/** Every errored trial's reason, grouped and counted, most frequent first. */
export function errorGroups(database: Database.Database): ErrorGroup[] {
  const rows = database
    .prepare(
      `SELECT error, COUNT(*) AS count FROM trials WHERE status = 'error'
       GROUP BY error ORDER BY count DESC`,
    )
    .all() as Array<{ error: string | null; count: number }>;
  return groupErrorReasons(rows.map((row) => ({ reason: row.error ?? "", count: row.count })));
}

/** Merges reasons that are the same once normalized; ties keep the first reason's order. */
export function groupErrorReasons(reasons: ReadonlyArray<ErrorGroup>): ErrorGroup[] {
  const counts = new Map<string, number>();
  for (const { reason, count } of reasons) {
    const normalized = normalizeErrorReason(reason);
    counts.set(normalized, (counts.get(normalized) ?? 0) + count);
  }
  return [...counts]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

const VARYING_PARTS: ReadonlyArray<[RegExp, string]> = [
  // `[request req_abc123]`, as provider errors end.
  [/\s*\[request [^\]]*\]/g, ""],
  // A URL's query string (signatures, ids); the host and path say where.
  [/(https?:\/\/[^\s?#]+)[?#][^\s)\]]*/g, "$1"],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "…"],
  // Ids: 12 or more letters and digits, both present (msg_01XFDUDYJgAACzvnptvVoYEL); model names
  // keep theirs, their digits sit between dashes.
  [/(?<![A-Za-z0-9])(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]{12,}(?![A-Za-z0-9])/g, "…"],
  // Waits vary from call to call (try again in 1.732s); statuses, ports and addresses do not.
  [/\b\d+(?:\.\d+)?(?=\s?(?:ms|s|seconds|milliseconds)\b)/g, "N"],
  [/\s+/g, " "],
];

/** A reason with request ids, query strings, ids and fractional figures taken out. */
export function normalizeErrorReason(reason: string): string {
  let normalized = reason;
  for (const [pattern, replacement] of VARYING_PARTS)
    normalized = normalized.replace(pattern, replacement);
  return normalized.trim() || "unknown error";
}

/** `8 × reason; 2 × other`, the most frequent first, at most `limit` groups and the rest counted. */
export function describeErrorGroups(groups: readonly ErrorGroup[], limit = 5): string {
  const shown = groups.slice(0, limit).map((group) => `${group.count} × ${group.reason}`);
  const rest = groups.slice(limit).reduce((sum, group) => sum + group.count, 0);
  if (rest > 0) shown.push(`${rest} × other reasons`);
  return shown.join("; ");
}

/**
 * One short phrase for a listing: the most frequent reason without its model or the provider's
 * error labels, and how many trials failed otherwise.
 */
export function briefErrorGroups(groups: readonly ErrorGroup[], width = 60): string {
  const [top, ...others] = groups;
  if (!top) return "";
  const reason = top.reason
    .replace(/^[a-z][a-z-]*:\S+?: /, "")
    .replace(/^((?:HTTP \d+|error in stream) \w+) \([^)]*\)/, "$1");
  const clipped = reason.length <= width ? reason : `${reason.slice(0, width - 1)}…`;
  const rest = others.reduce((sum, group) => sum + group.count, 0);
  return `${top.count} × ${clipped}${rest > 0 ? `, ${rest} other` : ""}`;
}
