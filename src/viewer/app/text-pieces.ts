/**
 * The report's formatted numbers cut into pieces a line may break between, and never inside: a
 * rate, its interval, its counts, its bounds. Joined with one space each, the pieces are exactly
 * the report's text (see `report/format.ts`), so the page and the report read the same. Pure.
 */
import type { Proportion } from "../../report/analysis-types.ts";
import { formatInterval, formatP, formatRatio, percent, points } from "../../report/format.ts";

/** `45.0%`, `[26.8–64.7]`, `(9/20,`, `1 inconclusive;`, `bounds 40.0–50.0)`. */
export function proportionPieces(proportion: Proportion): string[] {
  const inconclusive = proportion.inconclusive
    ? [`${proportion.inconclusive} inconclusive;`, `bounds ${range(proportion.bounds)})`]
    : [];
  const counts = (text: string) => (inconclusive.length ? [`${text},`] : [`${text})`]);
  if (proportion.n === 0) return ["–", ...counts("(0/0"), ...inconclusive];
  return [
    percent(proportion.rate),
    formatInterval(proportion.ci),
    ...counts(`(${proportion.k}/${proportion.n}`),
    ...inconclusive,
  ];
}

/** `+12.5 pts`, `[+3.0, +22.0]`; a dash without an estimate. */
export function differencePieces(
  diff: number | null,
  ci: readonly [number, number] | null,
): string[] {
  if (diff === null || ci === null) return ["–"];
  return [`${points(diff)} pts`, `[${points(ci[0])}, ${points(ci[1])}]`];
}

/** `+40.8 to +49.6`: a difference's bounds (every inconclusive turn against, then for, it). */
export function pointsRange(bounds: readonly [number, number] | null): string {
  return bounds ? `${points(bounds[0])} to ${points(bounds[1])}` : "–";
}

/** `11.3`, `[6.81, 18.6]`: an odds ratio and its interval. */
export function ratioPieces(ratio: number | null, ci: readonly [number, number] | null): string[] {
  return ci
    ? [formatRatio(ratio), `[${formatRatio(ci[0])}, ${formatRatio(ci[1])}]`]
    : [formatRatio(ratio)];
}

/** `p < 0.001` reads as one token; a missing p is a dash. */
export function pText(p: number | null): string {
  return p === null ? "–" : formatP(p);
}

/** `40.0–50.0`: the report's interval without its brackets. */
function range(bounds: readonly [number, number]): string {
  return formatInterval(bounds).slice(1, -1);
}

/** `p < 0.001`, `adjusted 0.016`, `[38.2, 64.5]`: what a sentence must not break inside. */
const UNBREAKABLE = /\b(?:p|adjusted) (?:< )?\d+(?:\.\d+)?|\[[^[\]]{1,40}\]/g;

/**
 * A sentence cut into runs of text, each marked whole when it must stay on one line (a p-value
 * with its "p", an interval). The runs joined are the sentence, character for character.
 */
export function sentencePieces(sentence: string): Array<{ text: string; whole: boolean }> {
  const pieces: Array<{ text: string; whole: boolean }> = [];
  let at = 0;
  for (const match of sentence.matchAll(UNBREAKABLE)) {
    if (match.index > at) pieces.push({ text: sentence.slice(at, match.index), whole: false });
    pieces.push({ text: match[0], whole: true });
    at = match.index + match[0].length;
  }
  if (at < sentence.length) pieces.push({ text: sentence.slice(at), whole: false });
  return pieces;
}
