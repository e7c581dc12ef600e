import type { ErrorTable } from '../spec.js';

/** Error codes of the sources area (docs/sources.md). Codes are stable: never rename or reuse one. */
export const sourcesErrors = {
  SWY_SOURCE_NOT_FOUND: { status: 404, title: 'Source not found', doc: 'No event source with this name exists (or, on the webhook route, it is not a webhook source).' },
  SWY_SOURCE_INVALID: { status: 400, title: 'Invalid source', doc: 'The source body is invalid: an unknown kind, a missing bus or connection, a bad kind-specific setting or mapping; `violations` names each problem (docs/sources.md).' },
  SWY_SOURCE_VERIFICATION_FAILED: { status: 401, title: 'Webhook verification failed', doc: 'The request to a webhook source did not pass the source\'s verification (a missing or wrong signature, token or password, a timestamp outside the tolerance, or an unverified source called from off the loopback interface). Nothing was stored; the request is counted as rejected.' },
  SWY_SOURCE_PAUSED: { status: 503, title: 'Source paused', doc: 'The source is paused: its webhook refuses requests (senders retry later) until it is resumed (`POST /v1/sources/{name}/resume`).' },
  SWY_SOURCE_MAPPING_FAILED: { status: 400, title: 'Mapping failed', doc: 'The request could not be turned into a CloudEvent by the source\'s mapping (a mapped attribute is missing or not a string, the body is not JSON where the mapping reads it, or the event built is invalid); `violations` names each problem. Nothing was stored.' },
} as const satisfies ErrorTable;
