export { blockedReason, BLOCKED_RANGES, type BlockReason } from './address-policy.js';
export { BlockedAddressError, findBlocked } from './blocked-error.js';
export { guardedLookup, guardedConnector } from './guarded-connector.js';
export { allowPrivateNetworksFor } from './allow-private.js';
