/**
 * LIKE patterns (spec §3.4.3): `%` is any run of characters (possibly empty), `_` exactly one
 * character, anything else itself, case-sensitively. A backslash before `%`, `_` or `\` makes that
 * character literal; a backslash before anything else is a literal backslash.
 *
 * "Character" means Unicode code point, as for LENGTH. Patterns are literals, so compileLike runs
 * once per expression. The matcher is the two-pointer wildcard algorithm (backtrack only to the
 * last `%`), O(value × pattern) in the worst case — never exponential, unlike a RegExp of `.*`s.
 */
export function compileLike(pattern: string): (value: string) => boolean {
  const items = parseItems(pattern);
  const stars = items.filter((x) => x === STAR).length;
  const singles = items.includes(ANY);
  if (!singles) {
    const literal = String.fromCodePoint(...items.filter((x) => x >= 0));
    // Common shapes (the Subscriptions API's exact / prefix / suffix) need no matcher at all.
    if (stars === 0) return (value) => value === literal;
    if (stars === 1 && items[items.length - 1] === STAR) return (value) => value.startsWith(literal);
    if (stars === 1 && items[0] === STAR) return (value) => value.endsWith(literal);
  }
  return (value) => matchItems(codePoints(value), items);
}

/** Pattern items: a code point (≥ 0), ANY for `_`, STAR for `%`. */
const ANY = -1;
const STAR = -2;

function parseItems(pattern: string): number[] {
  const chars = codePoints(pattern);
  const items: number[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as number;
    const next = chars[i + 1];
    if (c === BACKSLASH && next !== undefined && (next === PERCENT || next === UNDERSCORE || next === BACKSLASH)) {
      items.push(next);
      i++;
    } else if (c === PERCENT) {
      // Consecutive stars are one star; collapsing them keeps the matcher's backtracking simple.
      if (items[items.length - 1] !== STAR) items.push(STAR);
    } else {
      items.push(c === UNDERSCORE ? ANY : c);
    }
  }
  return items;
}

const BACKSLASH = 0x5c;
const PERCENT = 0x25;
const UNDERSCORE = 0x5f;

function codePoints(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) out.push(ch.codePointAt(0) as number);
  return out;
}

function matchItems(value: readonly number[], items: readonly number[]): boolean {
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (i < value.length) {
    const item = items[j];
    if (item !== undefined && item !== STAR && (item === ANY || item === value[i])) {
      i++;
      j++;
    } else if (item === STAR) {
      star = j++;
      mark = i;
    } else if (star >= 0) {
      // Let the last star swallow one more character and retry the rest of the pattern.
      j = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (items[j] === STAR) j++;
  return j === items.length;
}
