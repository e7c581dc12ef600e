import type { RuleTarget } from '../core/index.js';
import type { ContentMode } from '../events/index.js';
import type { SchemaCatalog } from './schema-types.js';
import type { ConnectionCatalog } from './connection-types.js';
import type { ScheduleCatalog } from './schedule-types.js';
import type { SourceDeadLetterStore } from './source-dead-letter-types.js';
import type { SourceCatalog } from './source-types.js';
import type { DeliveryEnqueue, DeliveryQueue } from './delivery-types.js';
import type { ObserveIndex } from './observe-types.js';
import type { EventTypeCatalog } from './event-type-types.js';
import type { StoreWrites } from './write-health.js';
import type { CatalogWatch } from './change-feed.js';
import type { ArchiveStore } from './archive-types.js';
import type { ReplayStore } from './replay-types.js';
import type { ConsumerStore } from './consumer-types.js';
import type { TransactionLog } from './transaction-types.js';
import type { BreakerBoard } from './breaker-types.js';

/** Retention of a bus: events older than maxAgeMs, or beyond the newest maxCount, are swept. */
export interface Retention {
  readonly maxAgeMs: number | null;
  readonly maxCount: number | null;
}

export interface BusRecord {
  readonly name: string;
  readonly description: string | null;
  readonly createdAt: number;
  readonly retention: Retention;
  /** Sequence number the next event on this bus receives (the last one is nextSequence - 1). */
  readonly nextSequence: number;
}

export interface NewBus {
  readonly name: string;
  readonly description?: string | null;
  readonly retention: Retention;
}

/**
 * One event to append. `body` is the event's JSON-format text (events codec serializeEvent);
 * the index fields are copied from the event so the store never re-parses it.
 */
export interface AppendItem {
  readonly bus: string;
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject: string | undefined;
  readonly time: string | undefined;
  readonly body: string;
  readonly size: number;
  readonly mode: ContentMode;
  /** Names of the rules that matched at ingest. */
  readonly matchedRules: readonly string[];
  /** The producer's address and the put request's W3C traceparent (src/observe trace). */
  readonly client?: string | undefined;
  readonly traceparent?: string | undefined;
  /** What received the event besides a plain put (an event source and its verification result; JSON text), for the trace. */
  readonly via?: string | undefined;
  /** Deliveries to enqueue with the event, in the same transaction (matched rules × targets). */
  readonly deliveries?: readonly DeliveryEnqueue[] | undefined;
  /** Names of the bus's archives the event matched (archive-types.ts): copied there in the same transaction. */
  readonly archives?: readonly string[] | undefined;
  /**
   * A delayed event (docs/delay-and-transactions.md): its deliveries are not due before this
   * time (ms). The event itself is stored and readable at once.
   */
  readonly deliverAt?: number | undefined;
}

/** What became of one appended item; the order of outcomes is the order of items. */
export type AppendOutcome =
  | { readonly type: 'stored'; readonly sequence: number; readonly receivedAt: number }
  | { readonly type: 'duplicate'; readonly sequence: number; readonly receivedAt: number }
  | { readonly type: 'rejected'; readonly code: 'SWY_STORE_BUS_NOT_FOUND'; readonly message: string };

/** An event as stored: `body` is its JSON-format text, byte-exact as appended. */
export interface StoredEvent {
  readonly bus: string;
  readonly sequence: number;
  readonly receivedAt: number;
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject: string | null;
  readonly time: string | null;
  readonly mode: ContentMode;
  readonly size: number;
  readonly matchedRules: readonly string[];
  readonly body: string;
}

export interface EventQuery {
  readonly bus: string;
  readonly type?: string | undefined;
  readonly source?: string | undefined;
  readonly subject?: string | undefined;
  /** Inclusive lower bound on receivedAt (ms). */
  readonly from?: number | undefined;
  /** Exclusive upper bound on receivedAt (ms). */
  readonly to?: number | undefined;
  /** Cursor: only events with a sequence greater than this. */
  readonly after?: number | undefined;
  readonly limit: number;
}

export interface EventPage {
  readonly items: readonly StoredEvent[];
  /** The cursor for the next page (`after`), absent when this page is the last. */
  readonly next?: number;
}

/** The ordered, durable event log of every bus. Every method may touch I/O: each returns a promise. */
export interface EventLog {
  /**
   * Appends items, deduplicating on (bus, source, id) within the dedupe window. Resolves only
   * after the transaction that holds them has committed; concurrent calls are group-committed.
   * Sequence numbers per bus are monotonic and gap-free.
   */
  append(items: readonly AppendItem[]): Promise<AppendOutcome[]>;
  /** The newest event with this id on the bus (and source, if given). */
  get(bus: string, id: string, source?: string): Promise<StoredEvent | undefined>;
  list(query: EventQuery): Promise<EventPage>;
  count(bus: string): Promise<number>;
}

/** A change to a bus: only the fields given change. */
export interface BusUpdate {
  readonly description?: string | null;
  readonly retention?: Retention;
}

export interface BusCatalog {
  create(bus: NewBus): Promise<BusRecord>;
  /**
   * Changes a bus's description and retention (a retention change applies at the next sweep);
   * announced on the change feed like a create. Undefined when the bus does not exist.
   */
  update(name: string, change: BusUpdate): Promise<BusRecord | undefined>;
  get(name: string): Promise<BusRecord | undefined>;
  list(): Promise<BusRecord[]>;
  /** Deletes the bus and all its events; false when it did not exist. */
  delete(name: string): Promise<boolean>;
  /** Creates the bus when missing (used for `default`). */
  ensure(bus: NewBus): Promise<BusRecord>;
}

/**
 * A rule on a bus as stored. `filter` is validated by the rules engine and `targets` parsed by
 * the delivery layer (parseRuleTargets) before the rule is saved; the target union is declared
 * in src/core (rule-target.ts) so the store can name it.
 */
export interface RuleRecord {
  readonly bus: string;
  readonly name: string;
  readonly description: string | null;
  readonly state: 'enabled' | 'disabled';
  readonly filter: unknown;
  readonly targets: readonly RuleTarget[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewRule {
  readonly bus: string;
  readonly name: string;
  readonly description: string | null;
  readonly state: 'enabled' | 'disabled';
  readonly filter: unknown;
  readonly targets: readonly RuleTarget[];
}

export interface RuleCatalog {
  /** Creates or replaces the rule; `created` tells which. */
  put(rule: NewRule): Promise<{ rule: RuleRecord; created: boolean }>;
  get(bus: string, name: string): Promise<RuleRecord | undefined>;
  list(bus?: string): Promise<RuleRecord[]>;
  delete(bus: string, name: string): Promise<boolean>;
}

/**
 * The catalog: buses, rules, schemas (with each bus's schema settings), connections and signing
 * secrets. It owns the change feed (`watch`): every committed change to any of them is announced
 * there, so views kept in memory (the rule router, the bus directory, the dispatcher's targets,
 * schema caches) follow it, whoever made the change.
 */
export interface Catalog extends CatalogWatch {
  readonly buses: BusCatalog;
  readonly rules: RuleCatalog;
  /** The schema registry's storage and per-bus schema settings (docs/schemas.md). */
  readonly schemas: SchemaCatalog;
  /** Connections and target signing secrets (sealed). */
  readonly connections: ConnectionCatalog;
  /** Schedules and their fire cursors (docs/scheduler.md). */
  readonly schedules: ScheduleCatalog;
  /** Event sources (src/sources): webhook endpoints, broker subscriptions; with their counters. */
  readonly sources: SourceCatalog;
}

/**
 * Backend-specific upkeep a backend may offer (the embedded one does): callers check
 * `store.housekeeping` before using it. A backend without it keeps its data bounded by its own means.
 */
export interface Housekeeping {
  /** Deletes events past their bus's retention (and dedupe entries past the window); resolves with how many events were removed. */
  sweepRetention(): Promise<number>;
  /** Bytes the store occupies (pages in use), for the store-size metric. */
  sizeBytes(): Promise<number>;
}

/**
 * Where work that must run once per installation runs (the retention sweep, schema discovery,
 * rule-change system events), for a backend that several processes open at once: only where
 * `leading()` is true now. A backend one process owns has none (callers treat that as leading).
 */
export interface Coordination {
  leading(): boolean;
}

/**
 * Per-target rate limits shared by every process on one store (a cluster): a token bucket of
 * `perSecond` tokens up to `burst`, kept by the backend. `take` grants up to `want` tokens now
 * (fewer, or none, when the bucket is short) and says when the next one accrues.
 */
export interface RateLimits {
  take(key: string, perSecond: number, burst: number, want: number, now: number): Promise<{ readonly granted: number; readonly waitMs: number }>;
}

/**
 * A storage backend, as narrow ports: the event log, the catalog (with its change feed), the
 * delivery queue, the observe index and, optionally, housekeeping. Every port method that may
 * touch I/O returns a promise; the put path reads in-memory views kept current by the catalog's
 * change feed (the rule router, the bus directory) instead of awaiting the catalog.
 */
export interface Store {
  readonly events: EventLog;
  readonly catalog: Catalog;
  /** The durable delivery queue and dead letters (docs/delivery.md). */
  readonly deliveries: DeliveryQueue;
  /** Search, event origins, trace records and backlog for src/observe. */
  readonly observe: ObserveIndex;
  /** The event catalogue: every (bus, source, type) seen, kept at append (event-type-types.ts). */
  readonly eventTypes: EventTypeCatalog;
  /** Archives of buses and their archived events (archive-types.ts). */
  readonly archives: ArchiveStore;
  /** Replay jobs, and reads of a bus's window over its log and archives (replay-types.ts). */
  readonly replays: ReplayStore;
  /** Durable consumers' committed offsets (consumer-types.ts, docs/consumers.md). */
  readonly consumers: ConsumerStore;
  /** Messages pulling sources could not take (poison messages), with the reason. */
  readonly sourceDeadLetters: SourceDeadLetterStore;
  /** Retention sweep and size; absent on a backend that does not offer it. */
  readonly housekeeping?: Housekeeping;
  /** Transactional ("half") messages: held events, commit into the log, check-back bookkeeping (transaction-types.ts). */
  readonly transactions: TransactionLog;
  /** Once-per-installation work runs only where this leads; absent on a one-process backend. */
  readonly coordination?: Coordination;
  /** Rate limits shared by the processes of a cluster; absent where one process delivers (it keeps its own buckets). */
  readonly rateLimits?: RateLimits;
  /** Circuit breakers shared by the processes of a cluster; absent where one process delivers (the engine keeps them in memory). */
  readonly breakers?: BreakerBoard;
  /**
   * Which writers fail on a storage fault now (disk full, I/O error). Such a write throws
   * SWY_STORE_UNAVAILABLE (`isStoreUnavailable`); the state change is logged once by the store.
   */
  readonly writes: StoreWrites;
  /** Waits for pending appends to commit, then closes. */
  close(): Promise<void>;
}
