import type pg from 'pg';
import type { CatalogChange } from '../../change-feed.js';
import type { ChangeRelay } from './change-relay.js';
import { inTransaction } from './pg-client.js';

/** A catalog write's result and the changes it made (announced only if it commits). */
export interface CatalogWrite<T> {
  readonly value: T;
  readonly changes: readonly CatalogChange[];
}

/**
 * Runs a catalog write in its own transaction with its changes recorded and NOTIFYed in the same
 * transaction (so they go out on commit, never on a rollback); resolves once this node has
 * announced them (ChangeRelay.seen), so the writer's next read of an in-memory view includes them.
 */
export async function writeAndAnnounce<T>(pool: pg.Pool, relay: ChangeRelay, write: (c: pg.PoolClient) => Promise<CatalogWrite<T>>): Promise<T> {
  const { value, last } = await inTransaction(pool, async (c) => {
    const w = await write(c);
    return { value: w.value, last: w.changes.length > 0 ? await relay.record(c, w.changes) : 0 };
  });
  if (last > 0) await relay.seen(last);
  return value;
}
