/**
 * Strict RFC 4648 §4 base64 (standard alphabet). Padding may be omitted; anything else
 * (whitespace, the URL-safe alphabet, misplaced '=') is refused, because Buffer's decoder
 * silently skips invalid characters and would accept garbage.
 */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

export function isBase64(s: string): boolean {
  return BASE64.test(s);
}

/** Decodes base64 already checked with `isBase64`. */
export function decodeBase64(s: string): Uint8Array {
  const b = Buffer.from(s, 'base64');
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
