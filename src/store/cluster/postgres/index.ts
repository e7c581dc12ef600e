/**
 * The PostgreSQL half of the cluster backend (DESIGN.md §4, docs/cluster.md): the catalog with
 * its LISTEN/NOTIFY change feed, the shared delivery queue, the event index behind search,
 * origins, traces and the event catalogue, and versioned migrations. The event log itself is
 * JetStream's (src/store/cluster); this folder never reads it except through {@link EventBodies}.
 *
 * How the cluster store feeds it (the contract with the event log):
 *
 * 1. Open once per node: `openPostgresPorts({ url, schema, clock, defaultRetentionMaxAgeMs,
 *    eventBodies, nextSequence })`. It migrates the schema under an advisory lock (nodes may
 *    start together), starts the change feed and ensures the `default` bus.
 * 2. For every event the log stored — from the durable consumer that derives deliveries from
 *    the log — call `recordAppended([{ event, deliveries }])` and acknowledge the log's message
 *    only after it resolves. It indexes the event and records its deliveries in one transaction
 *    and is idempotent: a redelivered message records nothing twice (deliveries are keyed by
 *    (bus, sequence, rule, target); index rows by (bus, sequence)). `indexAppended(events)` indexes
 *    without deliveries; `deliveries.enqueue(records, now)` records deliveries alone.
 * 3. `eventBodies.read(bus, sequences)` must answer the events' stored JSON text from the log
 *    (direct get by stream sequence); a lease and a search use it for events still indexed.
 * 4. `nextSequence(bus)` (optional) gives `BusRecord.nextSequence` from the stream; otherwise it
 *    is what the index has seen.
 * 5. Deleting a bus removes what PostgreSQL holds of it; the stream is the cluster store's to delete.
 *    The retention sweep (`housekeeping.sweepRetention`) trims the index by the same rule the stream's
 *    MaxAge/MaxMsgs apply.
 * 6. An `AppendedEntry` carries what the put decided beyond the event: `deliverAt` (a delayed
 *    event: its deliveries are due then) and `archives` (the archives it is copied into, with its
 *    text). Both must travel in the log's message so the consumer can pass them on, and so must
 *    the event's `client`, `traceparent` and `via` (AppendItem.via: the source that received it), which
 *    the index keeps for the trace's origin.
 * 7. Transactions: pass `appendCommitted` (the log's append, idempotent per `${key}/${n}` —
 *    JetStream `Nats-Msg-Id`), and run `transactions.resumeCommits(now, limit)` from the node's
 *    upkeep so a commit whose node died mid-append is finished by another (docs/cluster.md).
 *    Upkeep also runs `transactions.sweepEnded`, `archives.sweep` and `deliveries.sweepDelivered`.
 * 8. Sources, schedules (`catalog.sources`, `catalog.schedules`, on the change feed) and
 *    `sourceDeadLetters` are shared by every node; source counters flushed by several nodes add up.
 * 9. `breakers` (circuit breakers, one row per target) are shared by every node; their changes
 *    are NOTIFYed to every node's `watch` listeners.
 */
export { openPostgresPorts, safeUrl, type PostgresPorts, type PostgresPortsOptions, type AppendedEntry } from './postgres-ports.js';
export type { IndexedEvent } from './event-index.js';
export type { EventBodies } from './event-bodies.js';
export type { DeliveryRecord, PgDeliveryQueue } from './delivery-queue.js';
export type { PgBreakerBoard } from './breaker-board.js';
export type { PgObserveIndex } from './observe-index.js';
export type { PgConsumers } from './consumers.js';
export type { PgArchiveStore } from './archive-store.js';
export type { PgReplayStore } from './replay-store.js';
export type { PgTransactionLog, CommittedAppender } from './transaction-log.js';
export type { PgSourceCatalog } from './source-catalog.js';
export type { PgScheduleCatalog } from './schedule-catalog.js';
export type { PgSourceDeadLetters } from './source-dead-letters.js';
export type { NextSequence } from './bus-catalog.js';
export { migratePostgres } from './migrate.js';
export { pgMigrations, type PgMigration } from './migrations/index.js';
