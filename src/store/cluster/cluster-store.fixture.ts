// Isolated cluster stores for tests: a random stream prefix on the machine's NATS and a random
// PostgreSQL schema, both removed afterwards. The machine's engines must be up (a missing one
// fails loudly: the store refuses to open).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import type { Clock } from '../../core/index.js';
import { ClusterStore, type ClusterStoreOptions } from './cluster-store.js';

export const TEST_NATS = 'nats://127.0.0.1:4222';
export const TEST_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh namespace: stream prefix and schema name. */
export function isolatedNames(tag = 'swy'): { streamPrefix: string; postgresSchema: string } {
  const id = randomBytes(5).toString('hex');
  return { streamPrefix: `T${tag}_${id}`, postgresSchema: `t${tag}_${id}` };
}

/** Deletes every stream of the prefix and drops the schema. */
export async function dropNamespace(ns: { streamPrefix: string; postgresSchema: string }, nats = TEST_NATS, postgres = TEST_POSTGRES): Promise<void> {
  const nc = await connect({ servers: nats });
  try {
    const jsm = await jetstreamManager(nc);
    const doomed: string[] = [];
    for await (const name of jsm.streams.names()) if (name.startsWith(`${ns.streamPrefix}_`)) doomed.push(name);
    for (const name of doomed) await jsm.streams.delete(name).catch(() => undefined);
  } finally {
    await nc.close();
  }
  const c = new pg.Client({ connectionString: postgres });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS "${ns.postgresSchema}" CASCADE`);
  } finally {
    await c.end();
  }
}

/** Options of a test node in the namespace (small pool, short timeouts). */
export function testStoreOptions(ns: { streamPrefix: string; postgresSchema: string }, clock: Clock, extra: Partial<ClusterStoreOptions> = {}): ClusterStoreOptions {
  return {
    natsServers: [TEST_NATS], postgresUrl: TEST_POSTGRES, replicas: 1, clock, dedupeWindowMs: 60_000,
    defaultRetentionMaxAgeMs: 7 * 24 * 3600 * 1000, sweepBatch: 10_000, poolSize: 4, connectTimeoutMs: 3000, ...ns, ...extra,
  };
}

export const openTestStore = (opts: ClusterStoreOptions): Promise<ClusterStore> => ClusterStore.open(opts);
