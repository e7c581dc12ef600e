/**
 * The CloudEvents 1.0 type system (spec §"Type System") as validators. Each returns `undefined`
 * when the value is valid, else a reason meant for a client. All checks are single regex passes
 * or linear loops: no backtracking blow-ups on hostile strings.
 */

/**
 * Characters a CloudEvents `String` must not contain: C0/C1 controls, Unicode noncharacters and
 * surrogates not used in a proper pair. With the `u` flag a paired surrogate is one code point,
 * so `[\uD800-\uDFFF]` matches only a lone one.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_STRING_CHARS = /[\u0000-\u001F\u007F-\u009F\p{Noncharacter_Code_Point}\uD800-\uDFFF]/u;

export function checkString(s: string): string | undefined {
  const m = FORBIDDEN_STRING_CHARS.exec(s);
  if (m === null) return undefined;
  const cp = m[0].codePointAt(0) ?? 0;
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  if (cp >= 0xd800 && cp <= 0xdfff) return `contains a lone surrogate U+${hex} at index ${m.index}`;
  if (cp <= 0x9f) return `contains the control character U+${hex} at index ${m.index}`;
  return `contains the Unicode noncharacter U+${hex} at index ${m.index}`;
}

/** True when a string (any UTF-16) has no lone surrogate, i.e. survives a UTF-8 round trip. */
export function isWellFormedUtf16(s: string): boolean {
  return !/[\uD800-\uDFFF]/u.test(s);
}

/*
 * RFC 3986 URI-reference, checked structurally: every character is unreserved, reserved or part
 * of a well-formed %XX escape; at most one '#'; '[' and ']' only inside the authority (IP-literal);
 * and a relative reference's first segment has no ':' (it would read as a scheme).
 */
const URI_CHARS = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

export function checkUriReference(s: string): string | undefined {
  if (!URI_CHARS.test(s)) return 'is not an RFC 3986 URI-reference (illegal character or broken %-escape)';
  const hash = s.indexOf('#');
  if (hash >= 0 && s.indexOf('#', hash + 1) >= 0) return "is not an RFC 3986 URI-reference (more than one '#')";
  const scheme = SCHEME.exec(s);
  const rest = scheme === null ? s : s.slice(scheme[0].length);
  if (scheme === null) {
    const firstSegEnd = rest.search(/[/?#]/);
    const firstSeg = firstSegEnd < 0 ? rest : rest.slice(0, firstSegEnd);
    if (firstSeg.includes(':')) return "is not an RFC 3986 URI-reference (':' in the first path segment of a relative reference)";
  }
  // Brackets are legal only around an IP-literal host: //[v6]:port
  if (s.includes('[') || s.includes(']')) {
    const authority = /^\/\/([^/?#]*)/.exec(rest);
    const outside = authority === null ? rest : rest.slice(authority[0].length);
    if (/[[\]]/.test(outside) || (authority !== null && !/^(?:[^@[\]]*@)?\[[^[\]]*\](?::\d*)?$/.test(authority[1] ?? ''))) {
      return "is not an RFC 3986 URI-reference ('[' or ']' outside an IP-literal host)";
    }
  }
  return undefined;
}

/** A URI with a scheme (RFC 3986 §3). A fragment is tolerated (see docs/events.md). */
export function checkAbsoluteUri(s: string): string | undefined {
  const r = checkUriReference(s);
  if (r !== undefined) return r.replace('URI-reference', 'URI');
  if (!SCHEME.test(s)) return 'is not an absolute URI (no scheme)';
  return undefined;
}

/** RFC 3339 date-time: full-date "T" full-time, seconds required, offset Z or ±hh:mm. */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function checkTimestamp(s: string): string | undefined {
  const m = RFC3339.exec(s);
  if (m === null) return 'is not an RFC 3339 timestamp (expected e.g. 2018-04-05T17:31:00Z)';
  const year = Number(m[1]), month = Number(m[2]), day = Number(m[3]), hour = Number(m[4]), minute = Number(m[5]), second = Number(m[6]);
  if (month < 1 || month > 12) return 'is not an RFC 3339 timestamp (month out of range)';
  if (day < 1 || day > daysInMonth(year, month)) return 'is not an RFC 3339 timestamp (day out of range)';
  if (hour > 23 || minute > 59 || second > 60) return 'is not an RFC 3339 timestamp (time of day out of range)';
  if (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59)) return 'is not an RFC 3339 timestamp (offset out of range)';
  return undefined;
}

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/**
 * A CloudEvents Integer. `literal` is the JSON number text when known: the JSON format permits
 * only the integer component (no fraction, no exponent), so `10.0` and `1e1` are refused.
 */
export function checkInteger(n: number, literal?: string): string | undefined {
  if (literal !== undefined && !/^-?(?:0|[1-9]\d*)$/.test(literal)) {
    return 'is not a CloudEvents Integer (only digits with an optional minus sign are allowed)';
  }
  if (!Number.isInteger(n)) return 'is not a CloudEvents Integer (has a fraction)';
  if (n < INT32_MIN || n > INT32_MAX) return 'is not a CloudEvents Integer (outside the signed 32-bit range)';
  return undefined;
}

/**
 * Longest extension name accepted. The spec says names SHOULD NOT exceed 20 characters; we accept
 * up to 64 so real-world longer names pass, while still bounding header and index sizes.
 */
export const MAX_ATTRIBUTE_NAME_LENGTH = 64;

/**
 * Validates an attribute name (spec: lower-case a-z and 0-9; `data` is reserved). `constructor`
 * is the one a-z0-9 name that `Object.prototype` carries, so it is refused like `__proto__`
 * (which the character rule refuses): no attribute map can ever shadow a prototype member.
 */
export function checkAttributeName(name: string): string | undefined {
  if (name.length === 0) return 'attribute name is empty';
  if (name.length > MAX_ATTRIBUTE_NAME_LENGTH) return `attribute name longer than ${MAX_ATTRIBUTE_NAME_LENGTH} characters`;
  if (!/^[a-z0-9]+$/.test(name)) return 'attribute names may contain only lower-case letters a-z and digits 0-9';
  if (name === 'data') return "'data' is reserved and cannot be an attribute name";
  if (name === 'constructor') return "'constructor' is reserved (an Object.prototype member) and cannot be an attribute name";
  return undefined;
}
