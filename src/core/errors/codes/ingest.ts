import type { ErrorTable } from '../spec.js';

/** Error codes of the ingest area. Codes are stable: never rename or reuse one. */
export const ingestErrors = {
  SWY_INGEST_REQUEST_TOO_LARGE: { status: 413, title: 'Request too large', doc: 'The request body exceeds limits.maxRequestBytes (1 MiB by default). Split the batch.' },
  SWY_INGEST_INVALID_ENTRIES: { status: 400, title: 'Invalid PutEvents request', doc: 'The PutEvents body must be `{ "entries": [ ... ] }` with 1 to limits.maxBatchEvents entries, each a JSON object.' },
  SWY_INGEST_SYSTEM_BUS: { status: 403, title: 'System bus is written by Switchyard only', doc: 'Only Switchyard puts events on `switchyard.system` (its own rule, dead-letter, target and circuit events), so alert rules there cannot be fooled: puts from producers (every ingest route, each PutEvents entry) and bus targets pointing at it are refused. Put your events on another bus.' },
  SWY_INGEST_STORE_FAILED: { status: 503, title: 'Event not stored', doc: 'The store could not commit the events; nothing of this request was stored. Retry: ingest is idempotent on (source, id).' },
  SWY_INGEST_INVALID_DELAY: { status: 400, title: 'Invalid delay', doc: 'A delayed event (docs/delay-and-transactions.md) names its due time in the `deliverat` extension (an RFC 3339 timestamp) or, in a PutEvents entry, `delayMs` (an integer of milliseconds), not both; it may be at most ingest.maxDelayMs (7 days by default) ahead, and no later than the bus keeps its events. A time in the past is due at once.' },
  SWY_INGEST_TX_NOT_FOUND: { status: 404, title: 'Transaction not found', doc: 'No transaction with this id on this bus (it may have been committed or rolled back and forgotten, or begun on another bus). Begin one with POST /v1/buses/{bus}/transactions.' },
  SWY_INGEST_TX_CLOSED: { status: 409, title: 'Transaction not open', doc: 'The transaction was committed or rolled back already (by its producer, or by a check-back or its default outcome); it takes no more events and cannot end again. Its state is in GET /v1/buses/{bus}/transactions/{id}.' },
  SWY_INGEST_TX_FULL: { status: 400, title: 'Transaction full', doc: 'The put would take the transaction past transactions.maxEvents events; nothing of it was stored. Commit and begin another.' },
  SWY_INGEST_TX_TOO_MANY: { status: 429, title: 'Too many open transactions', doc: 'transactions.maxOpen transactions are open already; commit or roll back some, or wait for their check-backs.' },
} as const satisfies ErrorTable;
