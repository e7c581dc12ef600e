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

/** Scratch for exactnessByArithmetic: the bits of one double, and its significant digits. */
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const DIGITS = new Uint8Array(24);
/** Dekker's splitter 2^27 + 1: splits a double into two halves whose products are exact. */
const SPLITTER = 134217729;
/** Decisions closer than this (in units of the literal's last digit) to a boundary are left to
 * printing: the arithmetic below is exact to about 1e-15 of that unit. */
const MARGIN = 1e-9;

/**
 * Exactness of a literal of 16 or 17 significant digits without printing the double, or
 * UNKNOWN when the fast case does not apply (the caller then prints). Up to 15 significant
 * digits in the normal range a literal is always exact (see parseNumberText).
 *
 * Let the literal be L = M * t (t = 10^q, -22 <= q <= 0, M of n digits, last digit r != 0),
 * d the double nearest to L and h half the gap between doubles at d, so the decimals that read
 * back as d are those within h of d (d not a power of two: the gap below is then smaller). The
 * shortest form S of d (what printing gives) is exactly L when
 * - no decimal of fewer than n digits reads back as d: the two nearest to L, L - r*t and
 *   L + (10 - r)*t, are farther than h from d (any other lies beyond one of them), and
 * - L is the n-digit decimal nearest to d: |L - d| < t/2 (else L -+ t is nearer and, being
 *   nearer than L, reads back as d too, so printing chooses it).
 * D = (L - d) / t = M - d*10^-q is computed exactly: d*10^-q = p + e with Dekker's product,
 * M = A*1e8 + B with A*1e8 exact (A*5^8 < 2^53), A*1e8 - p exact (Sterbenz: both within a
 * factor of 2) and + B exact (a small multiple of 1/8); only the final - e rounds.
 */
export function exactnessByArithmetic(text: string, d: number): number {
  if (d < 0) d = -d;
  F64[0] = d;
  const hi = U32[HI]!;
  const biased = (hi >>> 20) & 0x7ff;
  if (biased === 0 || biased === 0x7ff) return UNKNOWN; // zero, subnormal, not finite
  let n = 0;
  let scale = 0;
  let afterPoint = false;
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) afterPoint = true;
    else if (c === 101 || c === 69) {
      const e = Number(text.slice(i + 1));
      if (!(e >= -400 && e <= 400)) return UNKNOWN;
      scale += e;
      break;
    } else {
      if (n > 0 || c !== 48) {
        if (n === 24) return UNKNOWN;
        DIGITS[n++] = c - 48;
      }
      if (afterPoint) scale--;
    }
  }
  while (n > 0 && DIGITS[n - 1] === 0) {
    n--;
    scale++;
  }
  if (n <= 15) return EXACT; // DBL_DIG, d normal
  if (n > 17 || scale < -22 || scale > 0) return UNKNOWN;
  if ((hi & 0xfffff) === 0 && U32[1 - HI] === 0) return UNKNOWN; // power of two
  let a = 0;
  for (let k = 0; k < n - 8; k++) a = a * 10 + DIGITS[k]!;
  let b = 0;
  for (let k = n - 8; k < n; k++) b = b * 10 + DIGITS[k]!;
  const r = DIGITS[n - 1]!;
  const pow = POW10[-scale]!;
  // p + e = d * pow exactly (Dekker).
  const p = d * pow;
  let c = SPLITTER * d;
  const dh = c - (c - d);
  const dl = d - dh;
  c = SPLITTER * pow;
  const ph = c - (c - pow);
  const pl = pow - ph;
  const e = dh * ph - p + dh * pl + dl * ph + dl * pl;
  const D = a * 1e8 - p + b - e;
  // Half the gap between doubles at d, in units of t: 2^(exponent - 52) / 2 * 10^-q.
  U32[HI] = (biased - 53) << 20;
  U32[1 - HI] = 0;
  const h = F64[0]! * pow;
  const below = Math.abs(D - r) - h;
  const above = Math.abs(D + 10 - r) - h;
  const nearest = 0.5 - Math.abs(D);
  if (Math.abs(below) < MARGIN || Math.abs(above) < MARGIN || Math.abs(nearest) < MARGIN) return UNKNOWN;
  return below > 0 && above > 0 && nearest > 0 ? EXACT : INEXACT;
}

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
    if (this.exactness === UNKNOWN) {
      const fast = exactnessByArithmetic(this.literal!, this.value);
      this.exactness = fast !== UNKNOWN ? fast : exactByPrinting(this.literal!, this.value) ? EXACT : INEXACT;
    }
    return this.exactness === EXACT;
  }
}

/**
 * Parses the JSON number literal at s[start, end); undefined when that is not exactly one
 * literal (RFC 8259 grammar). Fast cases, no Number() and no printing:
 * - zero in any form (0, -0.0, 0e7) is exact 0;
 * - digits from the first non-zero one below 2^53 (at most 15 digits, or 16 below 2^53) and a
 *   decimal exponent within ±22: the value is one correctly rounded IEEE operation (the digits,
 *   an exact double, times or divided by an exact power of ten; Clinger's fast path). With at
 *   most 15 digits the literal is also exact, because two different decimals of at most 15
 *   significant digits in the normal range never round to the same double (10^15 < 2^52), so
 *   the shortest form of the double is the literal itself.
 * Otherwise the value comes from Number() and exactness is decided lazily, by arithmetic for
 * 16 and 17 digits (exactnessByArithmetic) or else by printing.
 */
export function parseNumberText(s: string, start: number, end: number): NumberInfo | undefined {
  const n = parseNumberAt(end === s.length ? s : s.slice(0, end), start);
  return n !== undefined && numberEnd === end ? n : undefined;
}

/** Set by parseNumberAt: the index just past the literal it read. */
export let numberEnd = 0;

/**
 * Reads the longest JSON number literal starting at s[start] (see parseNumberText) and sets
 * `numberEnd` past it; undefined when no literal starts there. The caller checks what follows
 * (the raw scanner: a delimiter, so `12x` is not taken for 12).
 */
export function parseNumberAt(s: string, start: number): NumberInfo | undefined {
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
  numberEnd = i;
  const text = start === 0 && i === s.length ? s : s.slice(start, i);
  if (digits === 0) return new LazyNumber(0, text, EXACT);
  if (scale >= -22 && scale <= 22 && (digits <= 15 || (digits === 16 && m < 9007199254740992))) {
    const v = scale < 0 ? m / POW10[-scale]! : m * POW10[scale]!;
    return new LazyNumber(negative ? -v : v, text, digits <= 15 ? EXACT : UNKNOWN);
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
