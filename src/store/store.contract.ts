// The contract every storage backend passes (DESIGN.md §4). A backend's test calls
// runStoreContract with a factory that opens a fresh, empty store on the given clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../core/index.js';
import type { AppendItem, Store } from './types.js';

export type StoreFactory = (clock: ManualClock, opts: { dedupeWindowMs: number }) => Store;

const item = (bus: string, id: string, extra: Partial<AppendItem> = {}): AppendItem => ({
  bus,
  id,
  source: 'urn:test',
  type: 'com.example.created',
  subject: undefined,
  time: undefined,
  body: JSON.stringify({ specversion: '1.0', id, source: 'urn:test', type: 'com.example.created' }),
  size: 80,
  mode: 'structured',
  matchedRules: [],
  ...extra,
});

export function runStoreContract(backend: string, factory: StoreFactory): void {
  const open = (dedupeWindowMs = 60_000): { store: Store; clock: ManualClock } => {
    const clock = new ManualClock();
    return { store: factory(clock, { dedupeWindowMs }), clock };
  };

  test(`${backend} store - the default bus always exists and cannot be deleted`, async () => {
    const { store } = open();
    assert.equal(store.buses.get('default')?.name, 'default');
    assert.throws(() => store.buses.delete('default'), /cannot be deleted/);
    await store.close();
  });

  test(`${backend} store - sequences per bus are monotonic and gap-free across concurrent appends`, async () => {
    const { store } = open();
    store.buses.create({ name: 'orders', retention: { maxAgeMs: null, maxCount: null } });
    const calls = Array.from({ length: 50 }, (_, i) =>
      store.events.append([item(i % 2 === 0 ? 'orders' : 'default', `e${i}a`), item('orders', `e${i}b`)]),
    );
    const results = (await Promise.all(calls)).flat();
    assert.ok(results.every((r) => r.type === 'stored'));
    for (const bus of ['orders', 'default']) {
      const seqs = store.events.list({ bus, limit: 1000 }).items.map((e) => e.sequence);
      assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1));
    }
    assert.equal(store.events.count('orders') + store.events.count('default'), 100);
    await store.close();
  });

  test(`${backend} store - a repeated (source, id) within the window is a duplicate stored once`, async () => {
    const { store, clock } = open(10_000);
    const [a] = await store.events.append([item('default', 'x')]);
    const [b, c] = await store.events.append([item('default', 'x'), item('default', 'x', { source: 'urn:other' })]);
    assert.equal(a?.type, 'stored');
    assert.deepEqual(b, { type: 'duplicate', sequence: 1, receivedAt: clock.now() });
    assert.equal(c?.type, 'stored');
    clock.advance(10_001);
    const [d] = await store.events.append([item('default', 'x')]);
    assert.equal(d?.type, 'stored');
    assert.equal(store.events.count('default'), 3);
    await store.close();
  });

  test(`${backend} store - an append to a missing bus is rejected per item, others stored`, async () => {
    const { store } = open();
    const r = await store.events.append([item('nope', 'a'), item('default', 'b')]);
    assert.equal(r[0]?.type, 'rejected');
    assert.equal(r[1]?.type, 'stored');
    await store.close();
  });

  test(`${backend} store - get by id (and source) returns the body byte-exact`, async () => {
    const { store } = open();
    const body = '{"specversion":"1.0","id":"n","source":"urn:test","type":"t","data":{"big":9007199254740993}}';
    await store.events.append([item('default', 'n', { body, subject: 's', matchedRules: ['r1', 'r2'] })]);
    const got = store.events.get('default', 'n');
    assert.equal(got?.body, body);
    assert.deepEqual(got?.matchedRules, ['r1', 'r2']);
    assert.equal(got?.subject, 's');
    assert.equal(store.events.get('default', 'n', 'urn:other'), undefined);
    assert.equal(store.events.get('default', 'missing'), undefined);
    await store.close();
  });

  test(`${backend} store - list filters by type, source, subject, time and pages with a cursor`, async () => {
    const { store, clock } = open();
    for (let i = 0; i < 10; i++) {
      await store.events.append([item('default', `i${i}`, { type: i % 2 === 0 ? 'even' : 'odd', subject: `s${i % 3}` })]);
      clock.advance(1000);
    }
    const start = clock.now() - 10_000;
    assert.equal(store.events.list({ bus: 'default', type: 'even', limit: 100 }).items.length, 5);
    assert.equal(store.events.list({ bus: 'default', subject: 's0', limit: 100 }).items.length, 4);
    assert.equal(store.events.list({ bus: 'default', source: 'urn:none', limit: 100 }).items.length, 0);
    assert.deepEqual(store.events.list({ bus: 'default', from: start + 2000, to: start + 4000, limit: 100 }).items.map((e) => e.id), ['i2', 'i3']);
    const p1 = store.events.list({ bus: 'default', limit: 4 });
    assert.deepEqual(p1.items.map((e) => e.sequence), [1, 2, 3, 4]);
    assert.equal(p1.next, 4);
    const p3 = store.events.list({ bus: 'default', limit: 4, after: 8 });
    assert.deepEqual(p3.items.map((e) => e.sequence), [9, 10]);
    assert.equal(p3.next, undefined);
    await store.close();
  });

  test(`${backend} store - retention by age and by count removes only what is past it`, async () => {
    const { store, clock } = open();
    store.buses.create({ name: 'aged', retention: { maxAgeMs: 5000, maxCount: null } });
    store.buses.create({ name: 'counted', retention: { maxAgeMs: null, maxCount: 3 } });
    for (let i = 0; i < 6; i++) {
      await store.events.append([item('aged', `a${i}`), item('counted', `c${i}`)]);
      clock.advance(1000);
    }
    assert.equal(store.sweepRetention(), 1 + 3);
    assert.deepEqual(store.events.list({ bus: 'aged', limit: 10 }).items.map((e) => e.id), ['a1', 'a2', 'a3', 'a4', 'a5']);
    assert.deepEqual(store.events.list({ bus: 'counted', limit: 10 }).items.map((e) => e.id), ['c3', 'c4', 'c5']);
    await store.close();
  });

  test(`${backend} store - deleting a bus removes its events; recreating starts at sequence 1`, async () => {
    const { store } = open();
    store.buses.create({ name: 'tmp', retention: { maxAgeMs: null, maxCount: null } });
    await store.events.append([item('tmp', 'a')]);
    assert.throws(() => store.buses.create({ name: 'tmp', retention: { maxAgeMs: null, maxCount: null } }), /already exists/);
    assert.equal(store.buses.delete('tmp'), true);
    assert.equal(store.buses.delete('tmp'), false);
    store.buses.create({ name: 'tmp', retention: { maxAgeMs: null, maxCount: null } });
    const [r] = await store.events.append([item('tmp', 'b')]);
    assert.deepEqual(r?.type === 'stored' && r.sequence, 1);
    await store.close();
  });

  test(`${backend} store - rules are created, replaced, listed per bus and deleted with their bus`, async () => {
    const { store, clock } = open();
    store.buses.create({ name: 'shop', retention: { maxAgeMs: null, maxCount: null } });
    const a = store.rules.put({ bus: 'shop', name: 'r1', description: null, state: 'enabled', filter: { pattern: { type: ['x'] } }, targets: [] });
    assert.equal(a.created, true);
    clock.advance(5);
    const b = store.rules.put({ bus: 'shop', name: 'r1', description: 'd', state: 'disabled', filter: { sql: 'true' }, targets: [{ id: 't' }] });
    assert.equal(b.created, false);
    assert.equal(b.rule.createdAt, a.rule.createdAt);
    assert.equal(b.rule.updatedAt, a.rule.createdAt + 5);
    assert.deepEqual(store.rules.get('shop', 'r1')?.filter, { sql: 'true' });
    store.rules.put({ bus: 'default', name: 'r2', description: null, state: 'enabled', filter: {}, targets: [] });
    assert.deepEqual(store.rules.list('shop').map((r) => r.name), ['r1']);
    assert.equal(store.rules.list().length, 2);
    store.buses.delete('shop');
    assert.equal(store.rules.get('shop', 'r1'), undefined);
    assert.equal(store.rules.delete('default', 'r2'), true);
    assert.equal(store.rules.delete('default', 'r2'), false);
    await store.close();
  });
}
