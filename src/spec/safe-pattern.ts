import { RE2JS } from "re2js";

/**
 * Scenario patterns (checks' applies_if and undesired_if, the heuristic's cues) are untrusted: a
 * backtracking engine can spend minutes on `(a+)+$`, and Ctrl-C cannot interrupt it. So they run
 * on RE2JS, a pure-JavaScript port of RE2 that matches in time linear in the text. RE2 has no
 * lookaround and no backreferences; such patterns are refused at validation.
 */
export interface SafePattern {
  /** The first (leftmost) match's text, or null. */
  firstMatch(text: string): string | null;
  test(text: string): boolean;
}

export class PatternError extends Error {
  override readonly name = "PatternError";
}

const FLAG_BITS: Readonly<Record<string, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
  // RE2 always matches by code point; `u` changes nothing.
  u: 0,
};

/** Compiled patterns are cached: the judges compile the same cues for every turn. */
const cache = new Map<string, SafePattern>();
const CACHE_LIMIT = 10_000;
/**
 * Stored copies' patterns that only JavaScript's engine compiles. Once a run's scenario is loaded,
 * its judges find them here by text (they are given patterns, not where the patterns came from).
 */
const legacyCache = new Map<string, SafePattern>();

export interface PatternOptions {
  /**
   * A pattern from a run's stored scenario copy, accepted when the run was made: one RE2 cannot
   * compile (a lookaround, a backreference) is matched by JavaScript's engine as it was then, so
   * that the run re-judges as it was judged. Files read now never get here with such a pattern.
   */
  storedCopy?: boolean;
}

/** Compiles a pattern written in JavaScript syntax; throws a PatternError saying why it cannot. */
export function compilePattern(
  pattern: string,
  flags: string,
  options: PatternOptions = {},
): SafePattern {
  const key = `${flags}/${pattern}`;
  // Validation of a file read now says storedCopy: false, and never gets a stored copy's pattern.
  const cached =
    cache.get(key) ?? (options.storedCopy === false ? undefined : legacyCache.get(key));
  if (cached) return cached;
  let compiled: SafePattern;
  try {
    compiled = compileUncached(pattern, flags);
  } catch (error) {
    if (!(error instanceof PatternError) || !options.storedCopy) throw error;
    compiled = javaScriptPattern(pattern, flags);
    legacyCache.set(key, compiled);
    return compiled;
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

function compileUncached(pattern: string, flags: string): SafePattern {
  try {
    new RegExp(pattern, flags);
  } catch (error) {
    throw new PatternError((error as Error).message);
  }
  const unsupported = unsupportedConstruct(pattern);
  if (unsupported) {
    throw new PatternError(
      `uses ${unsupported}, which linear-time matching (RE2) does not support; rewrite the pattern without it`,
    );
  }
  let bits = 0;
  for (const flag of flags) bits |= FLAG_BITS[flag] ?? 0;
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(RE2JS.translateRegExp(pattern), bits);
  } catch (error) {
    throw new PatternError(
      `is not supported by linear-time matching (RE2): ${(error as Error).message}`,
    );
  }
  return rememberingMatches({
    firstMatch(text) {
      const matcher = compiled.matcher(text);
      return matcher.find() ? matcher.group() : null;
    },
    test(text) {
      return compiled.test(text);
    },
  });
}

/** Answers remembered per pattern, for this many texts at most (then forgotten all at once). */
const REMEMBERED_TEXTS = 512;

/**
 * RE2JS is linear but slow in JavaScript (most of a simulated run's CPU went to matching), and a
 * run judges the same texts again and again: scripted turns, and a subject that repeats itself.
 * So each pattern remembers its answers for recent texts; a distinct text costs what it did.
 */
function rememberingMatches(pattern: SafePattern): SafePattern {
  const firstMatches = new Map<string, string | null>();
  const tests = new Map<string, boolean>();
  const remembered = <T>(answers: Map<string, T>, text: string, answer: () => T): T => {
    const known = answers.get(text);
    if (known !== undefined || answers.has(text)) return known as T;
    if (answers.size >= REMEMBERED_TEXTS) answers.clear();
    const fresh = answer();
    answers.set(text, fresh);
    return fresh;
  };
  return {
    firstMatch: (text) => remembered(firstMatches, text, () => pattern.firstMatch(text)),
    test: (text) => remembered(tests, text, () => pattern.test(text)),
  };
}

/** A stored copy's pattern that RE2 cannot compile, matched as when the run was made. */
function javaScriptPattern(pattern: string, flags: string): SafePattern {
  let expression: RegExp;
  try {
    expression = new RegExp(pattern, flags);
  } catch (error) {
    throw new PatternError((error as Error).message);
  }
  return {
    firstMatch: (text) => expression.exec(text)?.[0] ?? null,
    test: (text) => expression.test(text),
  };
}

/** The JavaScript-only constructs RE2 lacks, named for the message. */
function unsupportedConstruct(pattern: string): string | undefined {
  const body = pattern.replace(/\\\\/g, "");
  if (/\(\?<[=!]/.test(body)) return "a lookbehind ((?<= or (?<!)";
  if (/\(\?[=!]/.test(body)) return "a lookahead ((?= or (?!)";
  if (/\\[1-9]|\\k</.test(body)) return "a backreference";
  return undefined;
}
