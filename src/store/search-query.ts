/**
 * A researcher's search text as an SQLite full-text (FTS5) query. The text is user input: none of
 * FTS5's syntax (AND, OR, NOT, NEAR(...), column filters, `*`, `^`, parentheses) is honoured, only
 * double quotes, which group words into a phrase. Every word and phrase becomes an FTS5 string, so
 * the query can never be a syntax error; it is still passed to SQLite as a bound parameter.
 * Pure: the page may import it.
 */

/** The words and phrases of a search, in order: "quoted words" are one phrase, others one word. */
export function searchTerms(text: string): string[] {
  const terms: string[] = [];
  const quoted = text.split('"');
  // Pieces at odd positions sit between a pair of quotes; a last, unmatched quote opens nothing.
  const paired = quoted.length % 2 === 1 ? quoted.length : quoted.length - 1;
  quoted.forEach((piece, position) => {
    const words = piece.split(/\s+/).filter(hasWordCharacter);
    if (words.length === 0) return;
    if (position % 2 === 1 && position < paired) terms.push(words.join(" "));
    else terms.push(...words);
  });
  return terms;
}

/** The FTS5 query for a search: every term required. Null when the text holds nothing to find. */
export function fullTextQuery(text: string): string | null {
  const terms = searchTerms(text);
  if (terms.length === 0) return null;
  return terms.map((term) => `"${term.replaceAll('"', '""')}"`).join(" ");
}

/** A letter or digit: a piece of punctuation alone is no word to look for. */
function hasWordCharacter(word: string): boolean {
  return /[\p{L}\p{N}]/u.test(word);
}

/**
 * A trial has a generated turn whose output or reasoning matches the FTS5 query bound to the one
 * parameter; needs the index attached as `search` (search-index.ts).
 */
export const SEARCH_MATCH_SQL = `t.ordinal IN (SELECT m.trial_ordinal FROM search.text_trials m
    WHERE m.text_id IN (SELECT rowid FROM search.text_search WHERE text_search MATCH ?))`;
