/**
 * Header values in binary mode (HTTP binding §3.1.3.2).
 *
 * Encoding: every character outside printable ASCII U+0021-U+007E, plus space, '"' and '%', is
 * written as the %XX escapes of its UTF-8 bytes (upper-case hex).
 *
 * Decoding: trim optional whitespace; if the value is a double-quoted string, unescape it
 * (RFC 9110 quoted-string, kept for senders of older spec versions); then one round of
 * percent-decoding whose bytes must be valid UTF-8 (overlong "%C0%A0" is refused).
 */

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const HEX = '0123456789ABCDEF';

function needsEncoding(c: number): boolean {
  return c <= 0x20 || c >= 0x7f || c === 0x22 || c === 0x25;
}

/** Percent-encodes an attribute's canonical string for an HTTP header. */
export function encodeHeaderValue(s: string): string {
  let i = 0;
  while (i < s.length && !needsEncoding(s.charCodeAt(i))) i++;
  if (i === s.length) return s; // common case: nothing to escape
  let out = s.slice(0, i);
  for (const b of Buffer.from(s.slice(i), 'utf8')) {
    out += needsEncoding(b) ? `%${HEX[b >> 4]}${HEX[b & 15]}` : String.fromCharCode(b);
  }
  return out;
}

export type HeaderDecode = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly reason: string };

/** Raw header value characters allowed: visible ASCII, space and tab (RFC 9110 field-vchar, no obs-text). */
const RAW_HEADER = /^[\t\x20-\x7E]*$/;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

/** Decodes one received `ce-*` header value; see the module comment. */
export function decodeHeaderValue(raw: string): HeaderDecode {
  if (!RAW_HEADER.test(raw)) {
    return { ok: false, reason: /[\r\n\0]/.test(raw) ? 'header value contains CR, LF or NUL' : 'header value contains control or non-ASCII characters (percent-encode them)' };
  }
  let s = raw.replace(/^[ \t]+|[ \t]+$/g, '');
  if (s.length >= 2 && s.charCodeAt(0) === 0x22) {
    const q = /^"((?:[^"\\]|\\[\t\x20-\x7E])*)"$/.exec(s);
    if (q === null) return { ok: false, reason: 'header value is a malformed quoted-string' };
    s = (q[1] ?? '').replace(/\\(.)/g, '$1');
  }
  if (!s.includes('%')) return { ok: true, value: s };
  const bytes = Buffer.allocUnsafe(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x25) {
      bytes[n++] = c;
      continue;
    }
    const hi = hexValue(s.charCodeAt(i + 1));
    const lo = hexValue(s.charCodeAt(i + 2));
    if (hi < 0 || lo < 0) return { ok: false, reason: `broken percent-encoding at index ${i} ('%' must be followed by two hex digits)` };
    bytes[n++] = (hi << 4) | lo;
    i += 2;
  }
  try {
    return { ok: true, value: utf8.decode(bytes.subarray(0, n)) };
  } catch {
    return { ok: false, reason: 'percent-encoded bytes are not valid UTF-8' };
  }
}
