// The archives contract (Store.archives, archive-types.ts): archives per bus, copies written at
// append for the archives an item names, their own retention, deletion with the archive and
// with the bus, and reopening.
import assert from 'node:assert/strict';
import { item, newBus, runCases, type Case, type ContractOptions } from './contract.fixture.js';

const DAY = 24 * 3600 * 1000;

const cases: Case[] = [
  ['archives - put creates then replaces, get and list by bus, a missing bus is refused', async ({ store }) => {
    await store.catalog.buses.create(newBus('orders'));
    const first = await store.archives.put({ bus: 'orders', name: 'all', description: null, pattern: null, retentionMs: null });
    assert.equal(first?.created, true);
    assert.equal(first?.archive.retentionMs, null);
    const again = await store.archives.put({ bus: 'orders', name: 'all', description: 'd', pattern: { type: ['x'] }, retentionMs: 30 * DAY });
    assert.equal(again?.created, false);
    assert.deepEqual(again?.archive.pattern, { type: ['x'] });
    assert.equal(again?.archive.retentionMs, 30 * DAY);
    await store.archives.put({ bus: 'default', name: 'b', description: null, pattern: null, retentionMs: null });
    assert.deepEqual((await store.archives.list()).map((a) => `${a.bus}/${a.name}`), ['default/b', 'orders/all']);
    assert.deepEqual((await store.archives.list('orders')).map((a) => a.name), ['all']);
    assert.equal((await store.archives.get('orders', 'all'))?.description, 'd');
    assert.equal(await store.archives.get('orders', 'nope'), undefined);
    assert.equal(await store.archives.put({ bus: 'nope', name: 'x', description: null, pattern: null, retentionMs: null }), undefined);
  }],

  ['archives - an append copies each item into the archives it names, once, in the same write', async ({ store }) => {
    await store.archives.put({ bus: 'default', name: 'a', description: null, pattern: null, retentionMs: null });
    await store.archives.put({ bus: 'default', name: 'b', description: null, pattern: null, retentionMs: null });
    await store.events.append([
      item('default', '1', { archives: ['a', 'b'] }), item('default', '2', { archives: ['a'] }), item('default', '3'),
      item('default', '1', { archives: ['a', 'b'] }),
    ]);
    assert.deepEqual(await store.archives.stats('default', 'a'), { events: 2, bytes: item('default', '1').size + item('default', '2').size });
    assert.equal((await store.archives.stats('default', 'b')).events, 1, 'a duplicate is not archived again');
  }],

  ['archives - an item naming an archive that does not exist is stored, without a copy', async ({ store }) => {
    const [o] = await store.events.append([item('default', '1', { archives: ['gone'] })]);
    assert.equal(o?.type, 'stored');
    assert.equal((await store.archives.stats('default', 'gone')).events, 0);
  }],

  ['archives - delete removes the archive and its copies; a deleted bus takes its archives', async ({ store }) => {
    await store.catalog.buses.create(newBus('orders'));
    await store.archives.put({ bus: 'orders', name: 'a', description: null, pattern: null, retentionMs: null });
    await store.archives.put({ bus: 'orders', name: 'b', description: null, pattern: null, retentionMs: null });
    await store.events.append([item('orders', '1', { archives: ['a', 'b'] })]);
    assert.equal(await store.archives.delete('orders', 'a'), true);
    assert.equal(await store.archives.delete('orders', 'a'), false);
    assert.equal((await store.archives.stats('orders', 'a')).events, 0);
    await store.archives.put({ bus: 'orders', name: 'a', description: null, pattern: null, retentionMs: null });
    assert.equal((await store.archives.stats('orders', 'a')).events, 0, 'a re-created archive starts empty');
    await store.catalog.buses.delete('orders');
    assert.deepEqual(await store.archives.list(), []);
    assert.equal((await store.archives.stats('orders', 'b')).events, 0);
  }],

  ['archives - sweep removes copies past their archive retention only; forever keeps them', async ({ store, clock }) => {
    await store.archives.put({ bus: 'default', name: 'week', description: null, pattern: null, retentionMs: 7 * DAY });
    await store.archives.put({ bus: 'default', name: 'forever', description: null, pattern: null, retentionMs: null });
    await store.events.append([item('default', 'old', { archives: ['week', 'forever'] })]);
    clock.advance(6 * DAY);
    await store.events.append([item('default', 'new', { archives: ['week', 'forever'] })]);
    clock.advance(2 * DAY);
    assert.equal(await store.archives.sweep(clock.now(), 1000), 1);
    assert.equal((await store.archives.stats('default', 'week')).events, 1);
    assert.equal((await store.archives.stats('default', 'forever')).events, 2);
  }],

  ['archives - a reopened store keeps archives and their copies', async ({ store, reopen }) => {
    await store.archives.put({ bus: 'default', name: 'a', description: 'kept', pattern: { source: ['s'] }, retentionMs: null });
    await store.events.append([item('default', '1', { archives: ['a'] })]);
    const s2 = await reopen();
    assert.deepEqual((await s2.archives.get('default', 'a'))?.pattern, { source: ['s'] });
    assert.equal((await s2.archives.stats('default', 'a')).events, 1);
  }],
];

export function runArchiveStoreContract(opts: ContractOptions): void {
  runCases('archives', opts, cases);
}
