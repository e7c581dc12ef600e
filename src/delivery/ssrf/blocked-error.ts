import type { BlockReason } from './address-policy.js';

/**
 * Raised inside the connector when the address a connection would go to is not allowed. The
 * http target maps it to the error class `blocked` (never retried).
 */
export class BlockedAddressError extends Error {
  readonly code = 'SWY_SSRF_BLOCKED';
  constructor(readonly host: string, readonly address: string, readonly reason: BlockReason) {
    super(`${host} resolves to ${address} (${reason} address); private networks are not allowed (delivery.allowPrivateNetworks)`);
    this.name = 'BlockedAddressError';
  }
}

/** Finds a BlockedAddressError in an error or its `cause` chain (undici may wrap connector errors). */
export function findBlocked(err: unknown): BlockedAddressError | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e !== undefined && e !== null; depth += 1) {
    if (e instanceof BlockedAddressError) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
