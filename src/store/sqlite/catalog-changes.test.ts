import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/index.js';
import type { CatalogChange } from '../change-feed.js';
import { SqliteStore } from './sqlite-store.js';

function open(log?: { error: (obj: object, msg: string) => void }): { store: SqliteStore; changes: CatalogChange[] } {
  const store = new SqliteStore({
    dataDir: ':memory:', durability: 'process', groupCommitMaxEvents: 1000, dedupeWindowMs: 60_000,
    defaultRetentionMaxAgeMs: 86_400_000, sweepBatch: 1000, clock: new ManualClock(),
    ...(log === undefined ? {} : { log: { info: () => undefined, warn: () => undefined, ...log } }),
  });
  const changes: CatalogChange[] = [];
  store.catalog.watch((c) => changes.push(c));
  return { store, changes };
}

const newRule = (bus: string, name: string, state: 'enabled' | 'disabled' = 'enabled') => ({ bus, name, description: null, state, filter: {}, targets: [] });

// Which writes are announced, once and in commit order, and that a failed or empty write
// announces nothing, is the catalog feed contract's (src/store/contracts/catalog-feed.contract.ts,
// run by sqlite-contracts.test.ts); these cases are the SQLite backend's own.

test('sqlite catalog changes - a catalog write inside an open transaction is refused and rolled back with it', async () => {
  const { store, changes } = open();
  try {
    // The put's synchronous part runs inside the caller's transaction and refuses.
    let inner: Promise<unknown> | undefined;
    store.db.transaction(() => {
      inner = store.catalog.rules.put(newRule('default', 'inner'));
    })();
    await assert.rejects(inner!, /inside an open transaction/);
    assert.equal((await store.catalog.rules.get('default', 'inner')), undefined);
    assert.deepEqual(changes, []);
  } finally {
    await store.close();
  }
});

test('sqlite catalog changes - a listener that throws does not fail the write; listeners see a rule committed', async () => {
  const errors: string[] = [];
  const { store, changes } = open({ error: (_obj, msg) => errors.push(msg) });
  try {
    const seen: Promise<string | undefined>[] = [];
    store.catalog.watch((c) => {
      // Read from inside the listener: the change is committed when it is announced.
      if (c.type === 'rule') seen.push(store.catalog.rules.get(c.bus, c.name).then((r) => r?.state));
      throw new Error('listener bug');
    });
    const { rule } = (await store.catalog.rules.put(newRule('default', 'r', 'disabled')));
    assert.equal(rule.state, 'disabled');
    assert.deepEqual(await Promise.all(seen), ['disabled']);
    assert.equal(changes.length, 1);
    assert.deepEqual(errors, ['a catalog change listener failed']);
  } finally {
    await store.close();
  }
});

test('sqlite catalog changes - a write made by a listener is announced after the change it reacts to, to every listener', async () => {
  const { store, changes } = open();
  try {
    const writes: Promise<unknown>[] = [];
    store.catalog.watch((c) => {
      if (c.type === 'rule' && c.name === 'first') writes.push(store.catalog.rules.put(newRule('default', 'second')));
    });
    const late: string[] = [];
    store.catalog.watch((c) => late.push(c.type === 'rule' ? c.name : c.type));
    await store.catalog.rules.put(newRule('default', 'first'));
    await Promise.all(writes);
    assert.deepEqual(changes.map((c) => (c.type === 'rule' ? c.name : c.type)), ['first', 'second']);
    assert.deepEqual(late, ['first', 'second']);
  } finally {
    await store.close();
  }
});
