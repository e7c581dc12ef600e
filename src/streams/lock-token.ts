import type { LeaseRef } from '../store/index.js';

/** Longest lock token accepted (a delivery id and a lease token, base64url). */
export const MAX_LOCK_TOKEN_CHARS = 200;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * A lock token (docs/queues.md): the delivery id and the lease token of one receive, as one
 * opaque base64url string. Both parts are the store's opaque text, so any backend's ids fit.
 */
export function encodeLockToken(ref: LeaseRef): string {
  return Buffer.from(`${ref.id}\n${ref.lease}`, 'utf8').toString('base64url');
}

/** The lease a token names; undefined for text no receive handed out. */
export function decodeLockToken(token: string): LeaseRef | undefined {
  if (token.length === 0 || token.length > MAX_LOCK_TOKEN_CHARS || !BASE64URL.test(token)) return undefined;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const nl = text.indexOf('\n');
  if (nl <= 0 || nl === text.length - 1 || text.indexOf('\n', nl + 1) !== -1) return undefined;
  return { id: text.slice(0, nl), lease: text.slice(nl + 1) };
}
