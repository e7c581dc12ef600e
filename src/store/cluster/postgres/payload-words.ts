/** Most distinct words kept per event: the index row of a huge payload stays bounded. */
export const MAX_WORDS_PER_EVENT = 4096;
/** Longer runs of letters and digits are cut to this (a base64 blob is not a word anyone types). */
export const MAX_WORD_CHARS = 64;

const WORD = /[\p{L}\p{N}]+/gu;
const MARKS = /\p{M}+/gu;

/**
 * The words of a text as the full-text search sees them, for indexing and for queries alike:
 * runs of letters and digits, lower-cased, accents removed (as SQLite FTS5's unicode61 does).
 * Everything else separates words, so no query text is syntax: `"; DROP` is the word `drop`,
 * `al*` the word `al`.
 */
export function wordsOf(text: string, max = MAX_WORDS_PER_EVENT): string[] {
  const out = new Set<string>();
  for (const m of text.normalize('NFD').replace(MARKS, '').toLowerCase().matchAll(WORD)) {
    out.add(m[0].slice(0, MAX_WORD_CHARS));
    if (out.size >= max) break;
  }
  return [...out];
}

/**
 * The searchable text of an event's JSON-format body: its `data` (a string as it is, anything
 * else as JSON text, keys included — what SQLite indexes with json_extract(body, '$.data')).
 * Attributes outside `data` are not searched.
 */
export function payloadText(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return '';
  }
  if (typeof parsed !== 'object' || parsed === null || !('data' in parsed)) return '';
  const data = (parsed as { data: unknown }).data;
  if (data === null || data === undefined) return '';
  return typeof data === 'string' ? data : JSON.stringify(data);
}
