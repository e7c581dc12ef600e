// The event catalogue's contract (Store.eventTypes): per (bus, source, type) the count, first
// and last seen and the newest event, kept by append; filters, cursor paging, the per-bus cap,
// bus deletion, retention (which leaves the counts alone) and reopening.
import assert from 'node:assert/strict';
import { item, newBus, runCases, type Case, type ContractOptions } from './contract.fixture.js';
import type { Store } from '../types.js';
import { SAMPLE_MAX_CHARS } from '../event-type-types.js';

const pairs = async (store: Store, bus?: string): Promise<string[]> =>
  (await store.eventTypes.list({ bus, limit: 1000 })).items.map((r) => `${r.bus} ${r.source} ${r.type} ${r.count}`);

const cases: Case[] = [
  ['event catalogue - counts per (bus, source, type) with first and last seen and the newest event as sample', async ({ store, clock }) => {
    await store.catalog.buses.create(newBus('orders'));
    const t0 = clock.now();
    await store.events.append([
      item('default', 'a', { type: 't.one' }), item('default', 'b', { type: 't.one' }), item('default', 'c', { type: 't.two', source: 'urn:s2' }),
      item('orders', 'd', { type: 't.one' }),
    ]);
    clock.advance(5000);
    await store.events.append([item('default', 'e', { type: 't.one', data: { n: 5 } })]);
    assert.deepEqual(await pairs(store), ['default urn:s2 t.two 1', 'default urn:test t.one 3', 'orders urn:test t.one 1']);
    const [row] = (await store.eventTypes.list({ bus: 'default', typePrefix: 't.one', limit: 10 })).items;
    assert.equal(row?.firstSeen, t0);
    assert.equal(row?.lastSeen, t0 + 5000);
    const e = await store.events.get('default', 'e');
    assert.deepEqual(row?.sample, { sequence: e?.sequence, id: 'e', body: e?.body });
  }],

  ['event catalogue - duplicates and appends rejected for a missing bus are not counted', async ({ store }) => {
    await store.events.append([item('default', 'x'), item('default', 'x'), item('nope', 'y')]);
    await store.events.append([item('default', 'x')]);
    assert.deepEqual(await pairs(store), ['default urn:test com.example.created 1']);
    assert.deepEqual(await store.eventTypes.summary(), [{ bus: 'default', types: 1, overflow: 0 }]);
  }],

  ['event catalogue - filters by bus and by source and type prefix, taken literally', async ({ store }) => {
    await store.catalog.buses.create(newBus('b2'));
    await store.events.append([
      item('default', '1', { source: 'urn:shop:eu', type: 'shop.order.created' }), item('default', '2', { source: 'urn:shop:us', type: 'shop.order.paid' }),
      item('default', '3', { source: 'urn:crm', type: 'crm.contact' }), item('b2', '4', { source: 'urn:shop:eu', type: 'shop_order' }),
    ]);
    const names = async (q: Parameters<Store['eventTypes']['list']>[0]): Promise<string[]> => (await store.eventTypes.list(q)).items.map((r) => `${r.bus}/${r.type}`);
    assert.deepEqual(await names({ sourcePrefix: 'urn:shop', limit: 10 }), ['b2/shop_order', 'default/shop.order.created', 'default/shop.order.paid']);
    assert.deepEqual(await names({ bus: 'default', typePrefix: 'shop.order.', limit: 10 }), ['default/shop.order.created', 'default/shop.order.paid']);
    assert.deepEqual(await names({ typePrefix: 'shop%', limit: 10 }), [], '% is no wildcard');
    assert.deepEqual(await names({ typePrefix: 'SHOP', limit: 10 }), [], 'prefixes are case-sensitive');
    assert.deepEqual(await names({ bus: 'nope', limit: 10 }), []);
  }],

  ['event catalogue - a sample longer than the limit keeps its sequence and id, without its text', async ({ store }) => {
    await store.events.append([item('default', 'small', { type: 'big' }), item('default', 'large', { type: 'big', data: 'x'.repeat(SAMPLE_MAX_CHARS) })]);
    const [row] = (await store.eventTypes.list({ limit: 10 })).items;
    assert.deepEqual(row?.sample, { sequence: 2, id: 'large', body: null });
    await store.events.append([item('default', 'small-again', { type: 'big' })]);
    const [again] = (await store.eventTypes.list({ limit: 10 })).items;
    assert.equal(again?.sample.id, 'small-again');
    assert.equal(JSON.parse(again?.sample.body ?? 'null').id, 'small-again');
  }],

  ['event catalogue - prefixes count characters beyond the BMP as one', async ({ store }) => {
    await store.events.append([item('default', '1', { source: 'urn:\u{1F680}:a', type: '\u{1F680}.launch' }), item('default', '2', { source: 'urn:x', type: 'plain' })]);
    const types = async (q: { sourcePrefix?: string; typePrefix?: string }): Promise<string[]> => (await store.eventTypes.list({ ...q, limit: 10 })).items.map((r) => r.type);
    assert.deepEqual(await types({ typePrefix: '\u{1F680}' }), ['\u{1F680}.launch']);
    assert.deepEqual(await types({ sourcePrefix: 'urn:\u{1F680}:' }), ['\u{1F680}.launch']);
  }],

  ['event catalogue - cursor paging visits every row once, in order', async ({ store }) => {
    await store.catalog.buses.create(newBus('b2'));
    await store.events.append(Array.from({ length: 25 }, (_, i) => item(i % 2 === 0 ? 'default' : 'b2', `e${i}`, { type: `t.${String(i).padStart(2, '0')}` })));
    const seen: string[] = [];
    let after;
    for (let pages = 0; pages < 10; pages++) {
      const page = await store.eventTypes.list({ limit: 4, after });
      seen.push(...page.items.map((r) => `${r.bus}/${r.type}`));
      if (page.next === undefined) break;
      after = page.next;
    }
    const all = await pairs(store);
    assert.equal(seen.length, 25);
    assert.deepEqual(seen, all.map((p) => { const [bus, , type] = p.split(' '); return `${bus}/${type}`; }));
  }],

  ['event catalogue - beyond the cap a new pair is counted in the bus overflow, known pairs keep counting', async ({ store }) => {
    await store.catalog.buses.create(newBus('b2'));
    await store.events.append([item('default', '1', { type: 'a' }), item('default', '2', { type: 'b' }), item('default', '3', { type: 'c' }), item('default', '4', { type: 'c' })]);
    await store.events.append([item('default', '5', { type: 'a' }), item('default', '6', { type: 'd' }), item('b2', '7', { type: 'z' })]);
    assert.deepEqual(await pairs(store), ['b2 urn:test z 1', 'default urn:test a 2', 'default urn:test b 1']);
    assert.deepEqual(await store.eventTypes.summary(), [{ bus: 'b2', types: 1, overflow: 0 }, { bus: 'default', types: 2, overflow: 3 }]);
    assert.deepEqual(await store.eventTypes.summary('b2'), [{ bus: 'b2', types: 1, overflow: 0 }]);
    assert.equal(await store.events.count('default'), 6, 'events beyond the cap are stored as usual');
  }, { maxTypesPerBus: 2 }],

  ['event catalogue - deleting a bus removes its rows; a bus created again starts afresh', async ({ store }) => {
    await store.catalog.buses.create(newBus('gone'));
    await store.events.append([item('gone', '1'), item('default', '2')]);
    assert.equal(await store.catalog.buses.delete('gone'), true);
    assert.deepEqual(await pairs(store), ['default urn:test com.example.created 1']);
    assert.deepEqual(await store.eventTypes.summary('gone'), []);
    await store.catalog.buses.create(newBus('gone'));
    await store.events.append([item('gone', '3')]);
    assert.deepEqual(await pairs(store, 'gone'), ['gone urn:test com.example.created 1']);
  }],

  ['event catalogue - the retention sweep does not lower the seen counts', async ({ store, clock }) => {
    const hk = store.housekeeping;
    if (hk === undefined) return;
    await store.catalog.buses.create(newBus('aged', { retention: { maxAgeMs: 1000, maxCount: null } }));
    await store.events.append([item('aged', '1'), item('aged', '2')]);
    clock.advance(2000);
    assert.equal(await hk.sweepRetention(), 2);
    assert.deepEqual(await pairs(store, 'aged'), ['aged urn:test com.example.created 2']);
  }],

  ['event catalogue - a reopened store keeps its rows and goes on counting', async ({ store, reopen }) => {
    await store.events.append([item('default', '1')]);
    const again = await reopen();
    await again.events.append([item('default', '2')]);
    assert.deepEqual(await pairs(again), ['default urn:test com.example.created 2']);
  }],
];

export function runEventTypesContract(opts: ContractOptions): void {
  runCases('event catalogue', opts, cases);
}
