import path from 'node:path';
import DatabaseCtor, { type Database } from 'better-sqlite3';
import { defaultBus, type Clock } from '../../core/index.js';
import type { Catalog, EventLog, Housekeeping, Store } from '../types.js';
import { ChangeFeed, type CatalogListener } from '../change-feed.js';
import { SqliteConnectionCatalog } from './connection-catalog.js';
import { SqliteScheduleCatalog } from './schedule-catalog.js';
import { SqliteSourceDeadLetters } from './source-dead-letters.js';
import type { SourceDeadLetterStore } from '../source-dead-letter-types.js';
import { SqliteSourceCatalog } from './source-catalog.js';
import { migrate } from './migrations.js';
import { SqliteEventLog } from './event-log.js';
import { SqliteTransactionLog } from './transaction-log.js';
import { SqliteEventTypes } from './event-types.js';
import { FullTextIndexer } from './full-text-indexer.js';
import { SqliteConsumers } from './consumers.js';
import { SqliteDeliveryQueue } from './delivery-queue.js';
import { SqliteBusCatalog } from './bus-catalog.js';
import { SqliteRuleCatalog } from './rule-catalog.js';
import { SqliteSchemaCatalog } from './schema-catalog.js';
import { sweepRetention } from './retention.js';
import { WalCheckpointer, type CheckpointResult } from './wal-checkpointer.js';
import { SqliteObserveStore } from './event-search.js';
import type { ObserveIndex } from '../observe-types.js';
import type { TransactionLog } from '../transaction-types.js';
import type { EventTypeCatalog } from '../event-type-types.js';
import { WriteHealth, isStoreUnavailable, silentStoreLog, type RetryBackoff, type StoreLog } from '../write-health.js';
import { sqliteStorageFault } from './storage-fault.js';
import { SpaceProbe } from './space-probe.js';
import { DirectoryLock } from './directory-lock.js';
import { SqliteArchiveStore } from './archive-store.js';
import { SqliteReplayStore } from './replay-store.js';
import type { ArchiveStore } from '../archive-types.js';
import type { ReplayStore } from '../replay-types.js';
import { makePrivateDir, touchPrivateFile } from './data-dir.js';

export interface SqliteStoreOptions {
  /** Directory holding switchyard.db; `:memory:` for a throw-away store. */
  readonly dataDir: string;
  readonly durability: 'process' | 'fsync';
  readonly groupCommitMaxEvents: number;
  readonly dedupeWindowMs: number;
  readonly defaultRetentionMaxAgeMs: number;
  readonly sweepBatch: number;
  readonly clock: Clock;
  /**
   * How often a worker thread checkpoints the WAL (default 250 ms; 0: only SQLite's own
   * auto-checkpoint, on the put path). Not used for `:memory:`.
   */
  readonly walCheckpointMs?: number;
  /** Where storage faults and background failures are logged (once per state change); nowhere by default. */
  readonly log?: StoreLog;
  /**
   * Free space (bytes) the probe needs before a failing put path counts as writable again
   * (default 2 MiB; the server passes twice limits.maxRequestBytes).
   */
  readonly spaceProbeBytes?: number;
  /** Longest an appended event waits for the full-text index (default 100 ms; a text search indexes first). */
  readonly fullTextFlushMs?: number;
  /** Backoff of the background retries after a failed write (full-text index, space probe). */
  readonly writeRetry?: RetryBackoff;
  /** Most (source, type) pairs the event catalogue holds per bus (default {@link DEFAULT_MAX_TYPES_PER_BUS}). */
  readonly maxTypesPerBus?: number;
}

/** The event catalogue's cap per bus when none is given (config catalog.maxTypesPerBus). */
export const DEFAULT_MAX_TYPES_PER_BUS = 5000;

/** The writer's own auto-checkpoint threshold (pages) behind the worker, and the WAL size kept after a restart. */
const BACKSTOP_CHECKPOINT_PAGES = 8192;
/** Appended events are full-text indexed in batches: at most fullTextFlushMs (default this) after the commit (a text search indexes at once)… */
const FULL_TEXT_FLUSH_MS = 100;
/** …or as soon as this many are waiting. */
const FULL_TEXT_MAX_PENDING = 2000;
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;
const DEFAULT_SPACE_PROBE_BYTES = 2 * 1024 * 1024;

/**
 * The embedded store: one SQLite file in WAL mode. With durability `process`
 * (synchronous=NORMAL) a committed transaction survives a crash of this process; `fsync`
 * (synchronous=FULL) also survives power loss. Only this process writes the file; the WAL is
 * checkpointed from a worker thread (WalCheckpointer), off the put path.
 *
 * Only one process opens a data directory (DirectoryLock). On a full disk (or an I/O error) the
 * store keeps serving reads; writes fail with SWY_STORE_UNAVAILABLE and are tracked by `writes`
 * (WriteHealth); background writers retry after a backoff and never throw out of a timer.
 */
export class SqliteStore implements Store {
  readonly events: EventLog;
  readonly catalog: Catalog;
  readonly observe: ObserveIndex;
  readonly eventTypes: EventTypeCatalog;
  readonly sourceDeadLetters: SourceDeadLetterStore;
  readonly housekeeping: Housekeeping;
  readonly deliveries: SqliteDeliveryQueue;
  readonly archives: ArchiveStore;
  readonly replays: ReplayStore;
  readonly consumers: SqliteConsumers;
  readonly transactions: TransactionLog;
  readonly db: Database;
  /** Which writers are failing on a storage fault (disk full, I/O error); see WriteHealth. */
  readonly writes: WriteHealth;
  readonly #log: SqliteEventLog;
  readonly #fullText: FullTextIndexer;
  readonly #opts: SqliteStoreOptions;
  readonly #checkpointer: WalCheckpointer | undefined;
  readonly #lock: DirectoryLock | undefined;
  readonly #probe: SpaceProbe | undefined;
  readonly #feed: ChangeFeed;
  readonly #observe: SqliteObserveStore;

  constructor(opts: SqliteStoreOptions) {
    this.#opts = opts;
    const log = opts.log ?? silentStoreLog;
    // One process writes the file: changes are announced in-process, after each commit.
    this.#feed = new ChangeFeed(log);
    this.writes = new WriteHealth({ classify: sqliteStorageFault, log, now: () => opts.clock.now() });
    let file = ':memory:';
    if (opts.dataDir !== ':memory:') {
      makePrivateDir(opts.dataDir);
      this.#lock = DirectoryLock.acquire(opts.dataDir);
      file = path.join(opts.dataDir, 'switchyard.db');
    }
    let db: Database | undefined;
    let buses: SqliteBusCatalog;
    try {
      if (file !== ':memory:') touchPrivateFile(file);
      db = new DatabaseCtor(file);
      this.db = db;
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${opts.durability === 'fsync' ? 'FULL' : 'NORMAL'}`);
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      db.pragma('cache_size = -65536');
      migrate(db, opts.clock.now());
      buses = new SqliteBusCatalog(db, opts.clock, this.#feed);
      buses.ensureNow(defaultBus(opts.defaultRetentionMaxAgeMs));
    } catch (e) {
      db?.close();
      this.#lock?.release();
      throw e;
    }
    const checkpointMs = opts.walCheckpointMs ?? 250;
    if (file !== ':memory:' && checkpointMs > 0) {
      db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
      db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
      this.#checkpointer = new WalCheckpointer(file, checkpointMs);
    }
    const feed = this.#feed;
    const catalog: Catalog = {
      buses,
      rules: new SqliteRuleCatalog(db, opts.clock, feed),
      schemas: new SqliteSchemaCatalog(db, opts.clock, feed),
      connections: new SqliteConnectionCatalog(db, opts.clock, feed),
      schedules: new SqliteScheduleCatalog(db, opts.clock, feed),
      sources: new SqliteSourceCatalog(db, opts.clock, feed),
      watch: (listener: CatalogListener) => feed.watch(listener),
    };
    this.catalog = catalog;
    this.#fullText = new FullTextIndexer(db, {
      flushDelayMs: opts.fullTextFlushMs ?? FULL_TEXT_FLUSH_MS, maxPending: FULL_TEXT_MAX_PENDING, health: this.writes, log,
      ...(opts.writeRetry === undefined ? {} : { retry: opts.writeRetry }),
    });
    // On a full disk this fails and is retried in the background: the store still opens.
    this.#fullText.catchUp();
    this.#observe = new SqliteObserveStore(db, () => void this.#fullText.flush());
    this.observe = this.#observe;
    this.housekeeping = {
      sweepRetention: async () => this.sweepRetentionNow(),
      sizeBytes: async () => this.#observe.sizeBytes(),
    };
    this.deliveries = new SqliteDeliveryQueue(db, { health: this.writes, log });
    this.#expireLeases(log);
    this.archives = new SqliteArchiveStore(db, opts.clock, this.writes);
    this.replays = new SqliteReplayStore(db, this.deliveries, this.writes);
    this.consumers = new SqliteConsumers(db, this.writes);
    const eventTypes = new SqliteEventTypes(db, opts.maxTypesPerBus ?? DEFAULT_MAX_TYPES_PER_BUS);
    this.eventTypes = eventTypes;
    this.sourceDeadLetters = new SqliteSourceDeadLetters(db, opts.clock);
    this.#log = new SqliteEventLog(db, { ...opts, health: this.writes }, this.#fullText, this.deliveries, eventTypes);
    this.events = this.#log;
    this.transactions = new SqliteTransactionLog(db, this.#log, this.writes);
    if (file !== ':memory:') this.#probe = new SpaceProbe(this.writes, opts.dataDir, opts.spaceProbeBytes ?? DEFAULT_SPACE_PROBE_BYTES, opts.writeRetry);
  }

  /**
   * Leases of a previous process end now: this process holds the data directory's lock, so
   * nothing else can be sending them. On a full disk they end at their own time instead. Pull
   * leases (a consumer's receive of a queue, docs/queues.md) are held outside the server: they keep their time.
   */
  #expireLeases(log: StoreLog): void {
    try {
      const n = this.deliveries.expireLeasesAtOpen(this.#opts.clock.now());
      if (n > 0) log.warn({ released: n }, 'deliveries leased by a previous process are due again');
    } catch (err) {
      if (!isStoreUnavailable(err)) throw err;
    }
  }

  /** The retention sweep, synchronously (what `housekeeping.sweepRetention` runs). */
  sweepRetentionNow(): number {
    const now = this.#opts.clock.now();
    const n = this.writes.run('retention sweep', () => sweepRetention(this.db, now, this.#opts.dedupeWindowMs, this.#opts.sweepBatch));
    // Archived copies past their archive's own retention (migration 013); not counted as bus events.
    void this.archives.sweep(now, this.#opts.sweepBatch).catch(() => undefined);
    return n;
  }

  /** The next background WAL checkpoint (undefined when there is none: `:memory:` or disabled). */
  nextCheckpoint(): Promise<CheckpointResult> | undefined {
    return this.#checkpointer?.next();
  }

  async close(): Promise<void> {
    await this.#log.close();
    this.#fullText.close();
    this.#probe?.close();
    await this.#checkpointer?.close();
    if (this.db.open) this.db.close();
    // Last: until the database is closed, no other server may open the directory.
    this.#lock?.release();
  }
}
