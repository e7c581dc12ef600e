import type { ErrorTable } from '../spec.js';

/** Error codes of the ingest area. Codes are stable: never rename or reuse one. */
export const ingestErrors = {
  SWY_INGEST_REQUEST_TOO_LARGE: { status: 413, title: 'Request too large', doc: 'The request body exceeds limits.maxRequestBytes (1 MiB by default). Split the batch.' },
  SWY_INGEST_INVALID_ENTRIES: { status: 400, title: 'Invalid PutEvents request', doc: 'The PutEvents body must be `{ "entries": [ ... ] }` with 1 to limits.maxBatchEvents entries, each a JSON object.' },
  SWY_INGEST_SYSTEM_BUS: { status: 403, title: 'System bus is written by Switchyard only', doc: 'Only Switchyard puts events on `switchyard.system` (its own rule, dead-letter, target and circuit events), so alert rules there cannot be fooled: puts from producers (every ingest route, each PutEvents entry) and bus targets pointing at it are refused. Put your events on another bus.' },
  SWY_INGEST_STORE_FAILED: { status: 503, title: 'Event not stored', doc: 'The store could not commit the events; nothing of this request was stored. Retry: ingest is idempotent on (source, id).' },
} as const satisfies ErrorTable;
