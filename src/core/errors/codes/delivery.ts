import type { ErrorTable } from '../spec.js';

/** Error codes of the delivery area. Codes are stable: never rename or reuse one. */
export const deliveryErrors = {
  SWY_DELIVERY_TARGET_INVALID: { status: 400, title: 'Invalid target', doc: 'A kind-specific field of a target (url, method, headers, timeoutMs, bus, path, …) is missing or invalid, or the kind is unknown; `violations` names each problem (docs/targets.md).' },
  SWY_DELIVERY_TARGET_NOT_FOUND: { status: 404, title: 'Target not found', doc: 'The rule has no target with this id (for signing secrets: no http target; they exist only for http targets).' },
  SWY_DELIVERY_CONNECTION_INVALID: { status: 400, title: 'Invalid connection', doc: 'The connection body does not describe a valid basic, apiKey or oauth2 connection; `violations` names each problem (docs/targets.md#connections).' },
  SWY_DELIVERY_CONNECTION_NOT_FOUND: { status: 404, title: 'Connection not found', doc: 'No connection with this name exists.' },
  SWY_DELIVERY_CONNECTION_UNREADABLE: { status: 500, title: 'Connection secrets unreadable', doc: 'Stored connection or signing secrets cannot be decrypted with the configured delivery.secretKey (the key changed or the data was altered). Restore the original key.' },
  SWY_DELIVERY_CONNECTION_KEY_INVALID: { status: 500, title: 'Invalid delivery secret key', doc: 'delivery.secretKey (or the generated key file in the data directory) is not 32 bytes of base64.' },
  SWY_DELIVERY_DEAD_LETTER_NOT_FOUND: { status: 404, title: 'Dead letter not found', doc: 'No dead letter has this id: it was redriven, purged, or never existed (docs/targets.md#dead-letters).' },
  SWY_DELIVERY_SELECTION_REQUIRED: { status: 400, title: 'Selection required', doc: 'A redrive or purge names what it applies to: `ids`, a `filter` (bus, rule, target, from, to), or `all: true` — exactly one of them.' },
} as const satisfies ErrorTable;
