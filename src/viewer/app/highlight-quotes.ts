/** A stretch of text, and which judges' quotes cover it (empty when none does). */
export interface Segment {
  text: string;
  quotedBy: number[];
}

export interface QuoteSource {
  /** Index of the judge the quotes are from, for telling highlights apart. */
  judge: number;
  quotes: readonly string[];
}

/**
 * Splits text where judges' quotes start and end. A quote matches up to white space, as the
 * judges' quote check does; every occurrence is marked. Works on plain strings only: the page
 * renders each segment as a text node, so nothing in a quote or the text can become markup.
 */
export function highlightSegments(text: string, sources: readonly QuoteSource[]): Segment[] {
  // One sweep over the cut points with a count of open quotes per judge: linear in cuts and
  // matches, so a judge quoting one common word of a long turn cannot freeze the page.
  const events = new Map<number, Array<{ judge: number; change: 1 | -1 }>>();
  const at = (position: number) => events.get(position) ?? events.set(position, []).get(position);
  for (const source of sources) {
    for (const quote of source.quotes) {
      for (const match of quoteMatches(text, quote)) {
        at(match.start)?.push({ judge: source.judge, change: 1 });
        at(match.end)?.push({ judge: source.judge, change: -1 });
      }
    }
  }
  const cuts = [...new Set([0, text.length, ...events.keys()])].sort((a, b) => a - b);
  const open = new Map<number, number>();
  const segments: Segment[] = [];
  for (let index = 0; index < cuts.length - 1; index++) {
    const start = cuts[index] as number;
    for (const { judge, change } of events.get(start) ?? [])
      open.set(judge, (open.get(judge) ?? 0) + change);
    const quotedBy = [...open]
      .filter(([, count]) => count > 0)
      .map(([judge]) => judge)
      .sort((a, b) => a - b);
    const piece = text.slice(start, cuts[index + 1]);
    const last = segments.at(-1);
    if (last && sameJudges(last.quotedBy, quotedBy)) last.text += piece;
    else segments.push({ text: piece, quotedBy });
  }
  return segments.length > 0 ? segments : [{ text, quotedBy: [] }];
}

/** Whether a quote occurs in the text, up to white space. */
export function quoteFound(text: string, quote: string): boolean {
  return quoteMatches(text, quote).length > 0;
}

function quoteMatches(text: string, quote: string): Array<{ start: number; end: number }> {
  const words = quote.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const pattern = new RegExp(words.map(escapeRegExp).join("\\s+"), "g");
  const matches: Array<{ start: number; end: number }> = [];
  for (const match of text.matchAll(pattern))
    matches.push({ start: match.index, end: match.index + match[0].length });
  return matches;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function sameJudges(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
