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
  store.watch((c) => changes.push(c));
  return { store, changes };
}

const newRule = (bus: string, name: string, state: 'enabled' | 'disabled' = 'enabled') => ({ bus, name, description: null, state, filter: {}, targets: [] });
const none = { maxAgeMs: null, maxCount: null };

test('sqlite catalog changes - each committed write is announced once, in commit order, with its identity', async () => {
  const { store, changes } = open();
  try {
    store.buses.create({ name: 'shop', retention: none });
    store.buses.ensure({ name: 'shop', retention: none });
    store.rules.put(newRule('shop', 'a'));
    store.rules.put(newRule('shop', 'a', 'disabled'));
    store.rules.put(newRule('shop', 'b'));
    store.rules.delete('shop', 'a');
    store.schemas.upsert({ name: 'order', source: null });
    store.schemas.addVersion({ name: 'order', source: null, dialect: '2020-12', schema: {}, origin: 'api' });
    store.schemas.delete('order', null);
    store.schemas.setSettings({ bus: 'shop', validation: 'warn', discovery: false, sampleRate: 1 });
    store.connections.put({ name: 'c', kind: 'basic', description: null, config: {}, sealed: 's' });
    store.connections.delete('c');
    store.connections.setSigningSecrets('shop/b/t', []);
    store.buses.delete('shop');
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
    assert.throws(() => store.rules.put(newRule('missing', 'r')), /FOREIGN KEY/);
    assert.throws(() => store.buses.create({ name: 'default', retention: none }), /already exists/);
    assert.throws(() => store.buses.delete('default'), /cannot be deleted/);
    assert.throws(() => store.schemas.addVersion({ name: 'nope', source: null, dialect: '2020-12', schema: {}, origin: 'api' }), /does not exist/);
    assert.equal(store.rules.delete('default', 'missing'), false);
    assert.equal(store.buses.delete('missing'), false);
    assert.equal(store.schemas.delete('missing', null), false);
    assert.equal(store.connections.delete('missing'), false);
    assert.deepEqual(changes, []);
    assert.equal(store.rules.get('missing', 'r'), undefined);
  } finally {
    await store.close();
  }
});

test('sqlite catalog changes - a catalog write inside an open transaction is refused and rolled back with it', async () => {
  const { store, changes } = open();
  try {
    assert.throws(() => store.db.transaction(() => store.rules.put(newRule('default', 'inner')))(), /inside an open transaction/);
    assert.equal(store.rules.get('default', 'inner'), undefined);
    assert.deepEqual(changes, []);
  } finally {
    await store.close();
  }
});

test('sqlite catalog changes - a listener that throws does not fail the write; listeners see a rule committed', async () => {
  const errors: string[] = [];
  const { store, changes } = open({ error: (_obj, msg) => errors.push(msg) });
  try {
    const seen: (string | undefined)[] = [];
    store.watch((c) => {
      if (c.type === 'rule') seen.push(store.rules.get(c.bus, c.name)?.state);
      throw new Error('listener bug');
    });
    const { rule } = store.rules.put(newRule('default', 'r', 'disabled'));
    assert.equal(rule.state, 'disabled');
    assert.deepEqual(seen, ['disabled']);
    assert.equal(changes.length, 1);
    assert.deepEqual(errors, ['a catalog change listener failed']);
  } finally {
    await store.close();
  }
});

test('sqlite catalog changes - a write made by a listener is announced after the change it reacts to, to every listener', async () => {
  const { store, changes } = open();
  try {
    store.watch((c) => {
      if (c.type === 'rule' && c.name === 'first') store.rules.put(newRule('default', 'second'));
    });
    const late: string[] = [];
    store.watch((c) => late.push(c.type === 'rule' ? c.name : c.type));
    store.rules.put(newRule('default', 'first'));
    assert.deepEqual(changes.map((c) => (c.type === 'rule' ? c.name : c.type)), ['first', 'second']);
    assert.deepEqual(late, ['first', 'second']);
  } finally {
    await store.close();
  }
});
