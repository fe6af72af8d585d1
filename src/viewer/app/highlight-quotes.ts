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
  const ranges: Array<{ start: number; end: number; judge: number }> = [];
  for (const source of sources) {
    for (const quote of source.quotes) {
      for (const match of quoteMatches(text, quote))
        ranges.push({ start: match.start, end: match.end, judge: source.judge });
    }
  }
  const cuts = [
    ...new Set([0, text.length, ...ranges.flatMap((range) => [range.start, range.end])]),
  ];
  cuts.sort((a, b) => a - b);
  const segments: Segment[] = [];
  for (let index = 0; index < cuts.length - 1; index++) {
    const start = cuts[index] as number;
    const end = cuts[index + 1] as number;
    const quotedBy = [
      ...new Set(
        ranges.filter((range) => range.start <= start && range.end >= end).map((r) => r.judge),
      ),
    ].sort((a, b) => a - b);
    const last = segments.at(-1);
    if (last && sameJudges(last.quotedBy, quotedBy)) last.text += text.slice(start, end);
    else segments.push({ text: text.slice(start, end), quotedBy });
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
