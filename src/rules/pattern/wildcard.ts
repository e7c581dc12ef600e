/**
 * The `wildcard` operator: `*` matches any run of characters (also none); `\*` is a literal
 * star and `\\` a literal backslash; any other escape, a trailing `\` and two adjacent
 * unescaped stars are invalid. The whole value must match (implicitly anchored).
 */

/** A validated wildcard: the literal pieces between the stars. `parts.length === stars + 1`. */
export interface Wildcard {
  readonly source: string;
  readonly parts: readonly string[];
}

/** Parses a wildcard or returns the reason (with 1-based position, as in the spec). */
export function parseWildcard(source: string): Wildcard | { error: string } {
  const parts: string[] = [];
  let cur = '';
  let prevStar = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') {
      const next = source[i + 1];
      if (next !== '*' && next !== '\\') return { error: `invalid escape character at position ${i + 1}` };
      cur += next;
      i++;
      prevStar = false;
    } else if (ch === '*') {
      if (prevStar) return { error: `consecutive wildcard characters at position ${i + 1}` };
      parts.push(cur);
      cur = '';
      prevStar = true;
    } else {
      cur += ch;
      prevStar = false;
    }
  }
  parts.push(cur);
  return { source, parts };
}

/** True when `value` matches the wildcard. Greedy-leftmost placement of the middle pieces is
 * optimal for star-only globs, so the check is linear in the value length. */
export function wildcardMatches(w: Wildcard, value: string): boolean {
  const parts = w.parts;
  const first = parts[0]!;
  if (parts.length === 1) return value === first;
  const last = parts[parts.length - 1]!;
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  let pos = first.length;
  const end = value.length - last.length;
  for (let k = 1; k < parts.length - 1; k++) {
    const p = parts[k]!;
    const at = value.indexOf(p, pos);
    if (at < 0 || at + p.length > end) return false;
    pos = at + p.length;
  }
  return true;
}
