import type { ErrorTable } from '../spec.js';

/** Error codes of pull queues and durable consumers (src/streams). Codes are stable: never rename or reuse one. */
export const queueErrors = {
  SWY_QUEUE_NOT_FOUND: { status: 404, title: 'Queue not found', doc: 'No rule on the bus has a target of kind `queue` with this queue name (docs/queues.md). A queue exists while some rule target names it.' },
  SWY_QUEUE_LOCK_TOKEN_INVALID: { status: 400, title: 'Invalid lock token', doc: 'A lock token is not one a receive handed out (malformed text). Given per token in `failedLockTokens` of acknowledge, release, reject and renew (docs/queues.md).' },
  SWY_QUEUE_LOCK_LOST: { status: 409, title: 'Lock lost', doc: 'The lock of this token is no longer held: it was settled already, its lock ended and another receive took the event, or (renew) its lock ended. Given per token in `failedLockTokens`; the event is (or will be) handed out again (docs/queues.md).' },
  SWY_CONSUMER_NOT_FOUND: { status: 404, title: 'Consumer not found', doc: 'The bus has no durable consumer of this name (docs/consumers.md).' },
  SWY_CONSUMER_EXISTS: { status: 409, title: 'Consumer exists', doc: 'A durable consumer of this name exists on the bus with another pattern or start; delete it first, or reset its offset (docs/consumers.md).' },
  SWY_CONSUMER_INVALID: { status: 400, title: 'Invalid consumer request', doc: 'A consumer\'s pattern is not a valid event pattern, or a start, commit or reset names an offset beyond the bus\'s head or a time that cannot be read; `violations` names each problem (docs/consumers.md).' },
} as const satisfies ErrorTable;
