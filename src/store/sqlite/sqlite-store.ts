import { mkdirSync } from 'node:fs';
import path from 'node:path';
import DatabaseCtor, { type Database } from 'better-sqlite3';
import type { Clock } from '../../core/index.js';
import type { BusCatalog, EventLog, RuleCatalog, Store } from '../types.js';
import type { ConnectionCatalog } from '../connection-types.js';
import { SqliteConnectionCatalog } from './connection-catalog.js';
import { migrate } from './migrations.js';
import { SqliteEventLog } from './event-log.js';
import { FullTextIndexer } from './full-text-indexer.js';
import { SqliteDeliveryQueue } from './delivery-queue.js';
import { SqliteBusCatalog } from './bus-catalog.js';
import { SqliteRuleCatalog } from './rule-catalog.js';
import { SqliteSchemaCatalog } from './schema-catalog.js';
import type { SchemaCatalog } from '../schema-types.js';
import { sweepRetention } from './retention.js';
import { WalCheckpointer, type CheckpointResult } from './wal-checkpointer.js';
import { SqliteObserveStore } from './event-search.js';
import type { ObserveStore } from '../observe-types.js';

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
}

/** The writer's own auto-checkpoint threshold (pages) behind the worker, and the WAL size kept after a restart. */
const BACKSTOP_CHECKPOINT_PAGES = 8192;
/** Appended events are full-text indexed in batches: at most this long after the commit (a text search indexes at once)… */
const FULL_TEXT_FLUSH_MS = 100;
/** …or as soon as this many are waiting. */
const FULL_TEXT_MAX_PENDING = 2000;
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * The embedded store: one SQLite file in WAL mode. With durability `process`
 * (synchronous=NORMAL) a committed transaction survives a crash of this process; `fsync`
 * (synchronous=FULL) also survives power loss. Only this process writes the file; the WAL is
 * checkpointed from a worker thread (WalCheckpointer), off the put path.
 */
export class SqliteStore implements Store {
  readonly events: EventLog;
  readonly buses: BusCatalog;
  readonly rules: RuleCatalog;
  readonly schemas: SchemaCatalog;
  readonly connections: ConnectionCatalog;
  readonly observe: ObserveStore;
  readonly deliveries: SqliteDeliveryQueue;
  readonly db: Database;
  readonly #log: SqliteEventLog;
  readonly #fullText: FullTextIndexer;
  readonly #opts: SqliteStoreOptions;
  readonly #checkpointer: WalCheckpointer | undefined;

  constructor(opts: SqliteStoreOptions) {
    this.#opts = opts;
    let file = ':memory:';
    if (opts.dataDir !== ':memory:') {
      mkdirSync(opts.dataDir, { recursive: true });
      file = path.join(opts.dataDir, 'switchyard.db');
    }
    this.db = new DatabaseCtor(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.durability === 'fsync' ? 'FULL' : 'NORMAL'}`);
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('cache_size = -65536');
    migrate(this.db, opts.clock.now());
    const checkpointMs = opts.walCheckpointMs ?? 250;
    if (file !== ':memory:' && checkpointMs > 0) {
      this.db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
      this.db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
      this.#checkpointer = new WalCheckpointer(file, checkpointMs);
    }
    this.buses = new SqliteBusCatalog(this.db, opts.clock);
    this.buses.ensure({ name: 'default', description: 'The default bus', retention: { maxAgeMs: opts.defaultRetentionMaxAgeMs, maxCount: null } });
    this.rules = new SqliteRuleCatalog(this.db, opts.clock);
    this.schemas = new SqliteSchemaCatalog(this.db, opts.clock);
    this.connections = new SqliteConnectionCatalog(this.db, opts.clock);
    this.#fullText = new FullTextIndexer(this.db, { flushDelayMs: FULL_TEXT_FLUSH_MS, maxPending: FULL_TEXT_MAX_PENDING });
    this.#fullText.catchUp();
    this.observe = new SqliteObserveStore(this.db, () => this.#fullText.flush());
    this.deliveries = new SqliteDeliveryQueue(this.db);
    this.#log = new SqliteEventLog(this.db, opts, this.#fullText, this.deliveries);
    this.events = this.#log;
  }

  sweepRetention(): number {
    return sweepRetention(this.db, this.#opts.clock.now(), this.#opts.dedupeWindowMs, this.#opts.sweepBatch);
  }

  /** The next background WAL checkpoint (undefined when there is none: `:memory:` or disabled). */
  nextCheckpoint(): Promise<CheckpointResult> | undefined {
    return this.#checkpointer?.next();
  }

  async close(): Promise<void> {
    await this.#log.close();
    this.#fullText.close();
    await this.#checkpointer?.close();
    if (this.db.open) this.db.close();
  }
}
