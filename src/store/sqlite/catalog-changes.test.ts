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
const none = { maxAgeMs: null, maxCount: null };

test('sqlite catalog changes - each committed write is announced once, in commit order, with its identity', async () => {
  const { store, changes } = open();
  try {
    await store.catalog.buses.create({ name: 'shop', retention: none });
    await store.catalog.buses.ensure({ name: 'shop', retention: none });
    await store.catalog.rules.put(newRule('shop', 'a'));
    await store.catalog.rules.put(newRule('shop', 'a', 'disabled'));
    await store.catalog.rules.put(newRule('shop', 'b'));
    await store.catalog.rules.delete('shop', 'a');
    await store.catalog.schemas.upsert({ name: 'order', source: null });
    await store.catalog.schemas.addVersion({ name: 'order', source: null, dialect: '2020-12', schema: {}, origin: 'api' });
    await store.catalog.schemas.delete('order', null);
    await store.catalog.schemas.setSettings({ bus: 'shop', validation: 'warn', discovery: false, sampleRate: 1 });
    await store.catalog.connections.put({ name: 'c', kind: 'basic', description: null, config: {}, sealed: 's' });
    await store.catalog.connections.delete('c');
    await store.catalog.connections.setSigningSecrets('shop/b/t', []);
    await store.catalog.buses.delete('shop');
    assert.deepEqual(changes, [
      { type: 'bus', op: 'put', bus: 'shop' },
      { type: 'rule', op: 'put', bus: 'shop', name: 'a', created: true },
      { type: 'rule', op: 'put', bus: 'shop', name: 'a', created: false },
      { type: 'rule', op: 'put', bus: 'shop', name: 'b', created: true },
      { type: 'rule', op: 'delete', bus: 'shop', name: 'a' },
      { type: 'schema', op: 'put', name: 'order', source: null },
      { type: 'schema', op: 'put', name: 'order', source: null },
      { type: 'schema', op: 'delete', name: 'order', source: null },
      { type: 'schema-settings', op: 'put', bus: 'shop' },
      { type: 'connection', op: 'put', name: 'c' },
      { type: 'connection', op: 'delete', name: 'c' },
      { type: 'signing-secrets', op: 'put', target: 'shop/b/t' },
      // A deleted bus's rules are announced deleted before it.
      { type: 'rule', op: 'delete', bus: 'shop', name: 'b' },
      { type: 'bus', op: 'delete', bus: 'shop' },
    ]);
  } finally {
    await store.close();
  }
});

test('sqlite catalog changes - a write that fails or changes nothing announces nothing', async () => {
  const { store, changes } = open();
  try {
    await assert.rejects(store.catalog.rules.put(newRule('missing', 'r')), /bus "missing" does not exist/);
    await assert.rejects(store.catalog.buses.create({ name: 'default', retention: none }), /already exists/);
    await assert.rejects(async () => store.catalog.buses.delete('default'), /cannot be deleted/);
    await assert.rejects(store.catalog.schemas.addVersion({ name: 'nope', source: null, dialect: '2020-12', schema: {}, origin: 'api' }), /does not exist/);
    assert.equal((await store.catalog.rules.delete('default', 'missing')), false);
    assert.equal((await store.catalog.buses.delete('missing')), false);
    assert.equal((await store.catalog.schemas.delete('missing', null)), false);
    assert.equal((await store.catalog.connections.delete('missing')), false);
    assert.deepEqual(changes, []);
    assert.equal((await store.catalog.rules.get('missing', 'r')), undefined);
  } finally {
    await store.close();
  }
});

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
