/**
 * Number semantics of event patterns (docs/patterns.md "Numbers").
 *
 * A JSON number literal is *exact* when it denotes exactly the decimal value that the nearest
 * IEEE-754 double prints as (its shortest round-trip form): `3`, `3.0`, `3e0`, `0.1` and `-0.0`
 * are exact; `9007199254740993` (2^53+1) and `0.10000000000000001` are not, because the double
 * they round to prints differently. Exact numbers compare by value (3 == 3.0 == 3e0, -0 == 0);
 * an inexact literal matches only the same literal text and never a numeric range.
 */

/** A JSON number as the matcher sees it: its literal text, its double value and exactness. */
export interface NumberInfo {
  readonly text: string;
  /** The double nearest to the literal; -0 is normalised to 0. */
  readonly value: number;
  /** True when the literal denotes exactly the decimal value of `value` (see module doc). */
  readonly exact: boolean;
}

const NUMBER_RE = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

/** True when `text` is a JSON number literal (RFC 8259 grammar). */
export function isNumberText(text: string): boolean {
  return NUMBER_RE.test(text);
}

/**
 * The decimal value of a number literal as (sign, significant digits, exponent) with no
 * leading or trailing zeros in the digits, so two literals are equal in value exactly when
 * their canonical triples are equal. Zero is canonicalised as "0" regardless of sign.
 */
function canonicalDecimal(text: string): string {
  let i = 0;
  let negative = false;
  if (text.charCodeAt(0) === 45 /* - */) {
    negative = true;
    i = 1;
  }
  let digits = '';
  let pointExp = 0;
  let seenPoint = false;
  let exp = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      seenPoint = true;
    } else if (c === 101 || c === 69 /* e E */) {
      exp = Number(text.slice(i + 1));
      break;
    } else {
      digits += text[i];
      if (seenPoint) pointExp--;
    }
  }
  let start = 0;
  while (start < digits.length && digits.charCodeAt(start) === 48) start++;
  let end = digits.length;
  while (end > start && digits.charCodeAt(end - 1) === 48) {
    end--;
    pointExp++;
  }
  if (start === end) return '0';
  return `${negative ? '-' : ''}${digits.slice(start, end)}e${exp + pointExp}`;
}

/** Analyses a JSON number literal (the caller guarantees it is one). */
export function numberInfo(text: string): NumberInfo {
  const value = Number(text);
  const normal = value === 0 ? 0 : value;
  if (!Number.isFinite(value)) return { text, value: normal, exact: false };
  // Fast path: the literal already is the shortest round-trip form.
  const printed = String(normal);
  const exact = printed === text || canonicalDecimal(printed) === canonicalDecimal(text);
  return { text, value: normal, exact };
}

/** NumberInfo of a JS number (from JSON.parse): always exact, text is its shortest form. */
export function numberInfoOfValue(n: number): NumberInfo {
  const value = n === 0 ? 0 : n;
  return { text: String(value), value, exact: Number.isFinite(value) };
}
