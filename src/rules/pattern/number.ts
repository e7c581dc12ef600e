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

/**
 * True when the literal `text` denotes exactly the decimal value of `value`, the double
 * nearest to it (the definition, by printing: slow, see parseNumberText for the fast cases).
 */
export function exactByPrinting(text: string, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  const printed = String(value);
  return printed === text || canonicalDecimal(printed) === canonicalDecimal(text);
}

/** 10^0 … 10^22: the powers of ten that are exact doubles. */
const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

const UNKNOWN = 0;
const EXACT = 1;
const INEXACT = 2;

/**
 * NumberInfo with its costly parts computed on first use: a literal's exactness (printing the
 * double) only when a matcher needs it, and a parsed double's text only when asked for.
 */
class LazyNumber implements NumberInfo {
  constructor(
    readonly value: number,
    private literal: string | undefined,
    private exactness: number,
  ) {}

  get text(): string {
    return (this.literal ??= String(this.value));
  }

  get exact(): boolean {
    if (this.exactness === UNKNOWN) this.exactness = exactByPrinting(this.literal!, this.value) ? EXACT : INEXACT;
    return this.exactness === EXACT;
  }
}

/**
 * Parses the JSON number literal at s[start, end); undefined when that is not exactly one
 * literal (RFC 8259 grammar). Fast cases, no Number() and no printing:
 * - zero in any form (0, -0.0, 0e7) is exact 0;
 * - at most 15 digits from the first non-zero one and a decimal exponent within ±22: the
 *   value is one correctly rounded IEEE operation (digits, an exact double below 2^53, times or
 *   divided by an exact power of ten), and the literal is exact, because two different decimals
 *   of at most 15 significant digits in the normal range never round to the same double
 *   (10^15 < 2^52), so the shortest form of the double is the literal itself.
 * Otherwise the value comes from Number() and exactness is decided by printing, lazily.
 */
export function parseNumberText(s: string, start: number, end: number): NumberInfo | undefined {
  let i = start;
  let c = s.charCodeAt(i);
  const negative = c === 45; /* - */
  if (negative) c = s.charCodeAt(++i);
  let digits = 0; // significant digits, counted from the first non-zero one
  let m = 0; // their value (exact while digits <= 15)
  let scale = 0; // decimal exponent: value = m * 10^scale
  if (c === 48 /* 0 */) c = s.charCodeAt(++i);
  else if (c >= 49 && c <= 57) {
    do {
      m = m * 10 + (c - 48);
      digits++;
      c = s.charCodeAt(++i);
    } while (c >= 48 && c <= 57);
  } else return undefined;
  if (c === 46 /* . */) {
    const first = ++i;
    c = s.charCodeAt(i);
    while (c >= 48 && c <= 57) {
      if (digits > 0 || c !== 48) {
        m = m * 10 + (c - 48);
        digits++;
      }
      scale--;
      c = s.charCodeAt(++i);
    }
    if (i === first) return undefined;
  }
  if (c === 101 || c === 69 /* e E */) {
    c = s.charCodeAt(++i);
    const expNegative = c === 45;
    if (c === 45 || c === 43) c = s.charCodeAt(++i);
    const first = i;
    let e = 0;
    while (c >= 48 && c <= 57) {
      if (e < 1e6) e = e * 10 + (c - 48);
      c = s.charCodeAt(++i);
    }
    if (i === first) return undefined;
    scale += expNegative ? -e : e;
  }
  if (i !== end) return undefined;
  const text = start === 0 && end === s.length ? s : s.slice(start, end);
  if (digits === 0) return new LazyNumber(0, text, EXACT);
  if (digits <= 15 && scale >= -22 && scale <= 22) {
    const v = scale < 0 ? m / POW10[-scale]! : m * POW10[scale]!;
    return new LazyNumber(negative ? -v : v, text, EXACT);
  }
  const value = Number(text);
  if (!Number.isFinite(value)) return new LazyNumber(value, text, INEXACT);
  return new LazyNumber(value === 0 ? 0 : value, text, UNKNOWN);
}

/** Analyses a JSON number literal (the caller guarantees it is one). */
export function numberInfo(text: string): NumberInfo {
  const info = parseNumberText(text, 0, text.length);
  if (info !== undefined) return info;
  const value = Number(text);
  return new LazyNumber(value === 0 ? 0 : value, text, exactByPrinting(text, value) ? EXACT : INEXACT);
}

/** NumberInfo of a JS number (from JSON.parse): always exact, text is its shortest form. */
export function numberInfoOfValue(n: number): NumberInfo {
  return new LazyNumber(n === 0 ? 0 : n, undefined, Number.isFinite(n) ? EXACT : INEXACT);
}
