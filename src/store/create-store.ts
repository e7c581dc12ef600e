import type { Clock } from '../core/index.js';
import type { Store } from './types.js';
import type { StoreLog } from './write-health.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

export interface StoreConfig {
  readonly storage: { readonly kind: 'sqlite'; readonly dataDir: string; readonly durability: 'process' | 'fsync'; readonly groupCommitMaxEvents: number; readonly fullTextFlushMs?: number };
  readonly ingest: { readonly dedupeWindowMs: number };
  readonly retention: { readonly defaultMaxAgeMs: number; readonly sweepBatch: number };
  readonly limits: { readonly maxRequestBytes: number };
  readonly catalog?: { readonly maxTypesPerBus: number };
}

/** Picks the storage backend from config. `log` gets storage faults (once per state change) and background failures. */
export function createStore(config: StoreConfig, clock: Clock, log?: StoreLog): Store {
  switch (config.storage.kind) {
    case 'sqlite':
      return new SqliteStore({
        dataDir: config.storage.dataDir,
        durability: config.storage.durability,
        groupCommitMaxEvents: config.storage.groupCommitMaxEvents,
        ...(config.storage.fullTextFlushMs === undefined ? {} : { fullTextFlushMs: config.storage.fullTextFlushMs }),
        dedupeWindowMs: config.ingest.dedupeWindowMs,
        defaultRetentionMaxAgeMs: config.retention.defaultMaxAgeMs,
        sweepBatch: config.retention.sweepBatch,
        clock,
        // Free space for the largest request with its WAL and index pages (space probe).
        spaceProbeBytes: 2 * config.limits.maxRequestBytes,
        ...(config.catalog === undefined ? {} : { maxTypesPerBus: config.catalog.maxTypesPerBus }),
        ...(log === undefined ? {} : { log }),
      });
  }
}
