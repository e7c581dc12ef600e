// The catalog's change feed contract (change-feed.ts, CatalogWatch): every entity's committed
// change is announced once, after its commit, in commit order, naming its identity; a write
// that fails or changes nothing announces nothing; a bus delete announces its rules first.
// Announcements may arrive after the write resolves (a cluster backend relays notifications),
// so the cases wait for them (bounded by the test's timeout), then check order and content.
import assert from 'node:assert/strict';
import type { CatalogChange } from '../change-feed.js';
import type { Store } from '../types.js';
import { NO_RETENTION, coded, runCases, type Case, type ContractOptions } from './contract.fixture.js';

const rule = (bus: string, name: string, state: 'enabled' | 'disabled' = 'enabled') => ({ bus, name, description: null, state, filter: {}, targets: [] });

/** Subscribes; `until(n)` resolves once n changes have arrived. */
function follow(store: Store): { changes: CatalogChange[]; until: (n: number) => Promise<void>; stop: () => void } {
  const changes: CatalogChange[] = [];
  const stop = store.catalog.watch((c) => changes.push(c));
  const until = async (n: number): Promise<void> => {
    while (changes.length < n) await new Promise((r) => setImmediate(r));
  };
  return { changes, until, stop };
}

const cases: Case[] = [
  ['catalog feed - each committed write of every entity is announced once, in commit order, with its identity', async ({ store }) => {
    const f = follow(store);
    await store.catalog.buses.create({ name: 'shop', retention: NO_RETENTION });
    await store.catalog.buses.ensure({ name: 'shop', retention: NO_RETENTION });
    await store.catalog.rules.put(rule('shop', 'a'));
    await store.catalog.rules.put(rule('shop', 'a', 'disabled'));
    await store.catalog.rules.put(rule('shop', 'b'));
    await store.catalog.rules.delete('shop', 'a');
    await store.catalog.schemas.upsert({ name: 'order', source: null });
    await store.catalog.schemas.addVersion({ name: 'order', source: null, dialect: '2020-12', schema: {}, origin: 'api' });
    await store.catalog.schemas.upsert({ name: 'order', source: 'shop' });
    await store.catalog.schemas.delete('order', null);
    await store.catalog.schemas.setSettings({ bus: 'shop', validation: 'warn', discovery: false, sampleRate: 1 });
    await store.catalog.connections.put({ name: 'c', kind: 'basic', description: null, config: {}, sealed: 's' });
    await store.catalog.connections.put({ name: 'c', kind: 'basic', description: 'again', config: {}, sealed: 's' });
    await store.catalog.connections.delete('c');
    await store.catalog.connections.setSigningSecrets('shop/b/t', []);
    await store.catalog.buses.delete('shop');
    const expected: CatalogChange[] = [
      { type: 'bus', op: 'put', bus: 'shop' },
      { type: 'rule', op: 'put', bus: 'shop', name: 'a', created: true },
      { type: 'rule', op: 'put', bus: 'shop', name: 'a', created: false },
      { type: 'rule', op: 'put', bus: 'shop', name: 'b', created: true },
      { type: 'rule', op: 'delete', bus: 'shop', name: 'a' },
      { type: 'schema', op: 'put', name: 'order', source: null },
      { type: 'schema', op: 'put', name: 'order', source: null },
      { type: 'schema', op: 'put', name: 'order', source: 'shop' },
      { type: 'schema', op: 'delete', name: 'order', source: null },
      { type: 'schema-settings', op: 'put', bus: 'shop' },
      { type: 'connection', op: 'put', name: 'c' },
      { type: 'connection', op: 'put', name: 'c' },
      { type: 'connection', op: 'delete', name: 'c' },
      { type: 'signing-secrets', op: 'put', target: 'shop/b/t' },
      // A deleted bus's rules are announced deleted before it.
      { type: 'rule', op: 'delete', bus: 'shop', name: 'b' },
      { type: 'bus', op: 'delete', bus: 'shop' },
    ];
    await f.until(expected.length);
    assert.deepEqual(f.changes, expected);
    f.stop();
  }],

  ['catalog feed - a write that fails or changes nothing announces nothing', async ({ store }) => {
    const f = follow(store);
    await assert.rejects(store.catalog.rules.put(rule('missing', 'r')), coded('SWY_STORE_BUS_NOT_FOUND'));
    await assert.rejects(store.catalog.buses.create({ name: 'default', retention: NO_RETENTION }), coded('SWY_STORE_BUS_EXISTS'));
    await assert.rejects(async () => store.catalog.buses.delete('default'), coded('SWY_STORE_BUS_PROTECTED'));
    await assert.rejects(store.catalog.schemas.addVersion({ name: 'nope', source: null, dialect: '2020-12', schema: {}, origin: 'api' }));
    assert.equal(await store.catalog.rules.delete('default', 'missing'), false);
    assert.equal(await store.catalog.buses.delete('missing'), false);
    assert.equal(await store.catalog.schemas.delete('missing', null), false);
    assert.equal(await store.catalog.connections.delete('missing'), false);
    await store.catalog.buses.ensure({ name: 'default', retention: NO_RETENTION });
    // A marker write: once it is announced, anything announced before it would be in the list.
    await store.catalog.connections.put({ name: 'marker', kind: 'basic', description: null, config: {}, sealed: 's' });
    await f.until(1);
    assert.deepEqual(f.changes, [{ type: 'connection', op: 'put', name: 'marker' }]);
    f.stop();
  }],

  ['catalog feed - every subscription is told; an unsubscribed listener is told nothing more', async ({ store }) => {
    const a = follow(store);
    const b = follow(store);
    await store.catalog.rules.put(rule('default', 'r1'));
    await a.until(1);
    await b.until(1);
    a.stop();
    a.stop(); // idempotent
    await store.catalog.rules.put(rule('default', 'r2'));
    await b.until(2);
    assert.deepEqual(a.changes.map((c) => c.type === 'rule' && c.name), ['r1']);
    assert.deepEqual(b.changes.map((c) => c.type === 'rule' && c.name), ['r1', 'r2']);
    b.stop();
  }],

  ['catalog feed - a listener reading the catalog when told sees the committed state', async ({ store }) => {
    const seen: Promise<string | undefined>[] = [];
    const stop = store.catalog.watch((c) => {
      if (c.type === 'rule' && c.op === 'put') seen.push(store.catalog.rules.get(c.bus, c.name).then((r) => r?.state));
    });
    await store.catalog.rules.put(rule('default', 'r', 'disabled'));
    while (seen.length < 1) await new Promise((r) => setImmediate(r));
    assert.deepEqual(await Promise.all(seen), ['disabled']);
    stop();
  }],
];

export function runCatalogFeedContract(opts: ContractOptions): void {
  runCases('catalog feed', opts, cases);
}
