/**
 * Skipping an unused JSON subtree of raw event text as fast as the engine allows, building
 * nothing: the raw scanner spends most of its time here (GeoJSON `coordinates` arrays are
 * most of a citylots event and no pattern reads them).
 *
 * Two mechanisms, same answer:
 * - a sticky regular expression for subtrees nested at most SKIP_DEPTH deep. V8 compiles it
 *   to native code, about twice as fast as the best charCodeAt loop. The grammar is
 *   unambiguous (each alternative starts with a different character, and a string's body
 *   alternatives are disjoint), so a failing match backtracks in linear time, never more.
 * - a table-driven charCodeAt loop for deeper subtrees (or if the regex engine gives up on a
 *   huge input), counting brackets and jumping over strings.
 *
 * Both check only what the scanner's contract promises for skipped parts: brackets balance and
 * strings are terminated. The regex also requires each closing bracket to match its opener; the
 * loop does not (an input the regex refuses simply goes to the loop).
 */

/** Nesting depth the regex handles (GeoJSON geometry is 3 deep: object > array > object). */
const SKIP_DEPTH = 5;

/** Runs of characters that are neither a quote nor a bracket. */
const PLAIN = String.raw`[^"\[\]{}]*`;
/** A string, unrolled: runs of plain characters between escapes. */
const STRING = String.raw`"[^"\\]*(?:\\[\s\S][^"\\]*)*"`;

function compositeRegex(depth: number): RegExp {
  // A composite's body in Friedl's unrolled form: a run of plain characters, then any number of
  // (string or nested composite, then a run of plain characters). Each run is taken by one `*`
  // and every item after it opens with a quote or a bracket, which a run never holds, so a
  // text divides into the grammar's parts in exactly one way: a failing match backtracks in
  // linear time, never more (a `(?:x+|…)*` form would be exponential on failure). Bulk runs
  // make it ~30% faster than one character per iteration.
  let body = `${PLAIN}(?:${STRING}${PLAIN})*`;
  for (let d = 0; d < depth; d++) body = String.raw`${PLAIN}(?:(?:${STRING}|\[${body}\]|\{${body}\})${PLAIN})*`;
  return new RegExp(String.raw`\[${body}\]|\{${body}\}`, 'y');
}

const COMPOSITE = compositeRegex(SKIP_DEPTH);

/** Character classes for the loop: 1 quote, 2 opening bracket, 3 closing bracket. */
const CLASS = new Uint8Array(128);
CLASS[34] = 1;
CLASS[91] = 2;
CLASS[123] = 2;
CLASS[93] = 3;
CLASS[125] = 3;

function skipCompositeLoop(s: string, open: number): number {
  const n = s.length;
  let depth = 0;
  let i = open;
  while (i < n) {
    const c = s.charCodeAt(i++);
    if (c >= 128) continue;
    const k = CLASS[c]!;
    if (k === 0) continue;
    if (k === 1) {
      for (;;) {
        const d = s.charCodeAt(i++);
        if (d === 34) break;
        if (d === 92) i++;
        else if (i > n) return -1;
      }
    } else if (k === 2) depth++;
    else if (--depth === 0) return i;
  }
  return -1;
}

/**
 * Index just past the object or array whose opening bracket is at `open`, or -1 when the text
 * ends first (unbalanced brackets or an unterminated string).
 */
export function skipComposite(s: string, open: number): number {
  COMPOSITE.lastIndex = open;
  try {
    if (COMPOSITE.test(s)) return COMPOSITE.lastIndex;
  } catch {
    // The regex engine's backtrack stack can overflow on a huge subtree: use the loop.
  }
  return skipCompositeLoop(s, open);
}
