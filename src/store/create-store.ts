import type { Clock } from '../core/index.js';
import type { Store } from './types.js';
import type { StoreLog } from './write-health.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { ClusterStore } from './cluster/index.js';

export interface StoreConfig {
  readonly storage: {
    readonly kind: 'sqlite' | 'cluster'; readonly dataDir: string; readonly durability: 'process' | 'fsync'; readonly groupCommitMaxEvents: number; readonly fullTextFlushMs?: number;
    readonly connectTimeoutMs?: number;
    readonly nats?: { readonly servers: readonly string[]; readonly streamPrefix: string; readonly replicas: number; readonly requestTimeoutMs: number };
    readonly postgres?: { readonly url: string; readonly schema: string; readonly poolSize: number };
  };
  readonly ingest: { readonly dedupeWindowMs: number };
  readonly retention: { readonly defaultMaxAgeMs: number; readonly sweepBatch: number };
  readonly limits: { readonly maxRequestBytes: number };
  readonly catalog?: { readonly maxTypesPerBus: number };
}

/**
 * Picks the storage backend from config: the only place that names one (DESIGN.md §4). Opening a
 * cluster node connects to its engines, so this is async; it rejects with
 * SWY_STORE_ENGINE_UNREACHABLE when NATS or PostgreSQL cannot be reached. `log` gets storage
 * faults (once per state change) and background failures.
 */
export async function createStore(config: StoreConfig, clock: Clock, log?: StoreLog): Promise<Store> {
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
    case 'cluster': {
      const { nats, postgres } = config.storage;
      if (nats === undefined || postgres === undefined) throw new Error('storage.kind cluster needs storage.nats and storage.postgres');
      return ClusterStore.open({
        natsServers: nats.servers, streamPrefix: nats.streamPrefix, replicas: nats.replicas, requestTimeoutMs: nats.requestTimeoutMs,
        postgresUrl: postgres.url, postgresSchema: postgres.schema, poolSize: postgres.poolSize,
        connectTimeoutMs: config.storage.connectTimeoutMs ?? 5000,
        clock, dedupeWindowMs: config.ingest.dedupeWindowMs, defaultRetentionMaxAgeMs: config.retention.defaultMaxAgeMs,
        sweepBatch: config.retention.sweepBatch,
        ...(config.catalog === undefined ? {} : { maxTypesPerBus: config.catalog.maxTypesPerBus }),
        ...(log === undefined ? {} : { log }),
      });
    }
  }
}
