import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { SwitchyardError, defaultBus, type Clock } from '../../../core/index.js';
import type { Catalog } from '../../types.js';
import type { CatalogListener } from '../../change-feed.js';
import type { EventTypeCatalog } from '../../event-type-types.js';
import { silentStoreLog, type StoreLog } from '../../write-health.js';
import { ChangeRelay } from './change-relay.js';
import { PgBreakerBoard } from './breaker-board.js';
import { PgBusCatalog, type NextSequence } from './bus-catalog.js';
import { PgRuleCatalog } from './rule-catalog.js';
import { PgSchemaCatalog } from './schema-catalog.js';
import { PgConnectionCatalog } from './connection-catalog.js';
import { PgSourceCatalog } from './source-catalog.js';
import { PgScheduleCatalog } from './schedule-catalog.js';
import { PgSourceDeadLetters } from './source-dead-letters.js';
import { PgEventTypes } from './event-types.js';
import { indexEvents, type IndexedEvent } from './event-index.js';
import { migratePostgres } from './migrate.js';
import { PgObserveIndex } from './observe-index.js';
import { indexHousekeeping } from './index-sweep.js';
import { noEventBodies, type EventBodies } from './event-bodies.js';
import type { Housekeeping } from '../../types.js';
import type { DeliveryEnqueue } from '../../delivery-types.js';
import { PgDeliveryQueue } from './delivery-queue.js';
import { PgConsumers } from './consumers.js';
import { PgArchiveStore, archiveIn } from './archive-store.js';
import { PgReplayStore } from './replay-store.js';
import { PgTransactionLog, type CommittedAppender } from './transaction-log.js';
import { checkSchemaName, inTransaction, openPool } from './pg-client.js';

export interface PostgresPortsOptions {
  /** `postgres://user@host:port/database` (storage.postgres.url). */
  readonly url: string;
  /** The schema every table lives in (created and migrated at open); default `switchyard`. */
  readonly schema?: string;
  readonly clock: Clock;
  /** Retention of the `default` bus, created at open when missing (retention.defaultMaxAgeMs). */
  readonly defaultRetentionMaxAgeMs: number;
  readonly log?: StoreLog;
  /** Connections in this node's pool (default 10), plus one for LISTEN. */
  readonly poolSize?: number;
  /** Names this node in its NOTIFYs (default: a random id). */
  readonly nodeId?: string;
  /** The event catalogue's cap of (source, type) pairs per bus (default 5000). */
  readonly maxTypesPerBus?: number;
  /** A bus's next sequence from the event log (the stream's last + 1); default: what the index has seen. */
  readonly nextSequence?: NextSequence;
  /** Reads event bodies from the log for search results and leases (default: none, every body reads as gone). */
  readonly eventBodies?: EventBodies;
  /**
   * The log's idempotent append for transaction commits (transaction-log.ts, docs/cluster.md);
   * absent, `transactions.commit` is refused.
   */
  readonly appendCommitted?: CommittedAppender;
  /** How long a commit's node has to append before another node may take the commit over (default 60 s). */
  readonly commitClaimMs?: number;
  /** Most index rows the retention sweep removes per bus per run (retention.sweepBatch; default 10,000). */
  readonly sweepBatch?: number;
}

/** One event the log stored, with the deliveries its matched rules call for (matched rules × targets). */
export interface AppendedEntry {
  readonly event: IndexedEvent;
  readonly deliveries: readonly DeliveryEnqueue[];
  /** A delayed event (AppendItem.deliverAt, ms): its deliveries are due then, not before. */
  readonly deliverAt?: number | undefined;
  /** The archives the put named (AppendItem.archives): the event is copied into each that still exists. */
  readonly archives?: readonly string[] | undefined;
}

/** What PostgreSQL holds for a cluster node (DESIGN.md §4); see index.ts for the contract with the event log. */
export interface PostgresPorts {
  readonly catalog: Catalog;
  readonly eventTypes: EventTypeCatalog;
  /** The delivery queue, shared by every node; `enqueue` records deliveries of logged events idempotently. */
  readonly deliveries: PgDeliveryQueue;
  /** Search, origins, traces and backlog (events found in the index, bodies read through `eventBodies`). */
  readonly observe: PgObserveIndex;
  /** The index's retention sweep and the schema's size (the log sweeps itself: stream limits). */
  readonly housekeeping: Housekeeping;
  /**
   * Indexes events the log stored (search attributes, origin, payload words, the event catalogue,
   * the bus's next_seq), idempotently per (bus, sequence); answers how many were new.
   */
  indexAppended(events: readonly IndexedEvent[]): Promise<number>;
  /**
   * Indexes events and records their deliveries in ONE transaction, idempotently: an event
   * indexed already is not indexed again, a delivery recorded already on (bus, seq, rule, target)
   * is skipped; archived copies (`archives`) likewise, once per (bus, archive, seq). After it resolves all are committed (acknowledge the log's message then); work
   * hints go to every node. Events (and so deliveries) of a bus that no longer exists are skipped.
   * Answers how many events and deliveries were new.
   */
  recordAppended(entries: readonly AppendedEntry[]): Promise<{ events: number; deliveries: number }>;
  /** Durable consumers' committed offsets (the events themselves are read from the log). */
  readonly consumers: PgConsumers;
  /**
   * Transactional messages: held events in PostgreSQL, commits appended through `appendCommitted`;
   * `transactions.resumeCommits` finishes commits whose node died before appending (run it from upkeep).
   */
  readonly transactions: PgTransactionLog;
  /** Archives; their copies (with event text, so they outlive the stream) are written by `recordAppended`. */
  readonly archives: PgArchiveStore;
  /** Messages pulling sources could not take (poison messages), with the reason; shared by every node. */
  readonly sourceDeadLetters: PgSourceDeadLetters;
  /** Replay jobs; reads over the index + log and, for what the stream dropped, the archives' copies. */
  readonly replays: PgReplayStore;
  /** Circuit breakers shared by every node (migration 014), their changes told over LISTEN/NOTIFY. */
  readonly breakers: PgBreakerBoard;
  /** The node's pool (for the cluster store's own queries; closed by `close`). */
  readonly pool: pg.Pool;
  /** Whether the change feed's connection is up now (for /readyz). */
  readonly listening: () => boolean;
  close(): Promise<void>;
}

const DEFAULT_MAX_TYPES_PER_BUS = 5000;

/** The URL without its password, for messages. */
export const safeUrl = (url: string): string => {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
};

/**
 * Opens the PostgreSQL half of a cluster node: checks the server answers (a clear
 * SWY_STORE_UNAVAILABLE when it does not), migrates the schema under an advisory lock, starts
 * the change feed (LISTEN) and makes sure the `default` bus exists.
 *
 * @example
 * const pg = await openPostgresPorts({ url: 'postgres://postgres@127.0.0.1:5432/postgres', clock: systemClock, defaultRetentionMaxAgeMs: 7 * 864e5 });
 * pg.catalog.watch((change) => console.log(change));
 */
export async function openPostgresPorts(opts: PostgresPortsOptions): Promise<PostgresPorts> {
  const schema = checkSchemaName(opts.schema ?? 'switchyard');
  const log = opts.log ?? silentStoreLog;
  const pool = openPool(opts.url, schema, opts.poolSize ?? 10);
  let relay: ChangeRelay | undefined;
  try {
    try {
      await pool.query('SELECT 1');
    } catch (cause) {
      throw new SwitchyardError('SWY_STORE_UNAVAILABLE', `PostgreSQL at ${safeUrl(opts.url)} is unreachable: ${(cause as Error).message}`, { cause });
    }
    await migratePostgres(pool, schema, opts.clock.now());
    relay = new ChangeRelay({ url: opts.url, schema, nodeId: opts.nodeId ?? randomUUID(), log, pool });
    await relay.start();
  } catch (err) {
    await relay?.close();
    await pool.end().catch(() => undefined);
    throw err;
  }
  const r = relay;
  const buses = new PgBusCatalog(pool, opts.clock, r, opts.nextSequence);
  const catalog: Catalog = {
    buses,
    rules: new PgRuleCatalog(pool, opts.clock, r),
    schemas: new PgSchemaCatalog(pool, opts.clock, r),
    connections: new PgConnectionCatalog(pool, opts.clock, r),
    sources: new PgSourceCatalog(pool, opts.clock, r),
    schedules: new PgScheduleCatalog(pool, opts.clock, r),
    watch: (listener: CatalogListener) => r.feed.watch(listener),
  };
  const maxTypes = opts.maxTypesPerBus ?? DEFAULT_MAX_TYPES_PER_BUS;
  const bodies = opts.eventBodies ?? noEventBodies;
  const deliveries = new PgDeliveryQueue(pool, r, bodies);
  let closed = false;
  const ports: PostgresPorts = {
    catalog,
    eventTypes: new PgEventTypes(pool),
    observe: new PgObserveIndex(pool, bodies),
    housekeeping: indexHousekeeping(pool, schema, () => opts.clock.now(), opts.sweepBatch ?? 10_000),
    deliveries,
    breakers: new PgBreakerBoard(pool, r, log),
    consumers: new PgConsumers(pool),
    archives: new PgArchiveStore(pool, opts.clock),
    sourceDeadLetters: new PgSourceDeadLetters(pool, opts.clock),
    replays: new PgReplayStore({
      pool, bodies, nextSequence: async (bus) => (await buses.get(bus))?.nextSequence,
      notifyWork: (c, keys) => r.notifyWork(c, keys), tellWork: (keys) => r.tellWork(keys),
    }),
    transactions: new PgTransactionLog({
      pool, clock: opts.clock, append: opts.appendCommitted, ...(opts.commitClaimMs === undefined ? {} : { commitClaimMs: opts.commitClaimMs }),
    }),
    indexAppended: async (events) => inTransaction(pool, (c) => indexEvents(c, events, maxTypes)),
    recordAppended: async (entries) => {
      const touched = deliveries.touched();
      const now = opts.clock.now();
      const counts = await inTransaction(pool, async (c) => {
        const events = await indexEvents(c, entries.map((e) => e.event), maxTypes);
        // Deliveries only for events whose bus exists (indexed now or before).
        const { rows } = await c.query<{ bus: string }>('SELECT name AS bus FROM buses WHERE name = ANY($1::text[])', [[...new Set(entries.map((e) => e.event.bus))]]);
        const live = new Set(rows.map((r) => r.bus));
        const records = entries.filter((e) => live.has(e.event.bus) && e.deliveries.length > 0)
          .map((e) => ({ bus: e.event.bus, seq: e.event.sequence, eventId: e.event.id, deliveries: e.deliveries, deliverAt: e.deliverAt }));
        await archiveIn(c, entries.filter((e) => live.has(e.event.bus) && (e.archives?.length ?? 0) > 0).map((e) => ({ event: e.event, archives: e.archives ?? [] })));
        return { events, deliveries: records.length === 0 ? 0 : await deliveries.enqueueIn(c, records, now, touched) };
      });
      deliveries.tell(touched);
      return counts;
    },
    pool,
    listening: () => r.connected,
    close: async () => {
      if (closed) return;
      closed = true;
      await r.close();
      await pool.end();
    },
  };
  try {
    await buses.ensure(defaultBus(opts.defaultRetentionMaxAgeMs));
  } catch (err) {
    await ports.close();
    throw err;
  }
  return ports;
}
