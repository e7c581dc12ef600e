// The durable consumers' contract (consumer-types.ts, docs/consumers.md): create once per
// (bus, name), commits that only move forward, resets anywhere, a bus's consumers going with it,
// and offsets kept across a reopen.
import assert from 'node:assert/strict';
import { newBus, runCases, type Case, type ContractOptions } from './contract.fixture.js';

const c1 = { bus: 'default', name: 'c1', pattern: null, offset: 0 };

const cases: Case[] = [
  ['consumers - create once per bus and name; a second create answers the stored one unchanged', async ({ store, clock }) => {
    const first = await store.consumers.create({ ...c1, pattern: { type: ['a'] }, offset: 5 }, clock.now());
    assert.deepEqual(first, { created: true, consumer: { bus: 'default', name: 'c1', pattern: { type: ['a'] }, offset: 5, createdAt: clock.now(), updatedAt: clock.now() } });
    clock.advance(10);
    const again = await store.consumers.create({ ...c1, offset: 9 }, clock.now());
    assert.deepEqual(again, { created: false, consumer: first?.consumer });
    await store.catalog.buses.create(newBus('other'));
    assert.equal((await store.consumers.create({ ...c1, bus: 'other' }, clock.now()))?.created, true, 'names are per bus');
    assert.equal(await store.consumers.create({ ...c1, bus: 'missing' }, clock.now()), undefined, 'no consumer on a missing bus');
    assert.deepEqual((await store.consumers.list('default')).map((c) => c.name), ['c1']);
  }],

  ['consumers - a commit moves the offset forward only; a reset moves it anywhere', async ({ store, clock }) => {
    await store.consumers.create(c1, clock.now());
    clock.advance(5);
    assert.equal((await store.consumers.commit('default', 'c1', 7, clock.now()))?.offset, 7);
    const stale = await store.consumers.commit('default', 'c1', 3, clock.now() + 1);
    assert.deepEqual([stale?.offset, stale?.updatedAt], [7, clock.now()], 'a lower commit changes nothing');
    assert.equal((await store.consumers.reset('default', 'c1', 2, clock.now()))?.offset, 2);
    assert.equal((await store.consumers.get('default', 'c1'))?.offset, 2);
    assert.equal(await store.consumers.commit('default', 'nope', 1, clock.now()), undefined);
    assert.equal(await store.consumers.reset('default', 'nope', 1, clock.now()), undefined);
  }],

  ['consumers - delete removes one; deleting the bus removes its consumers', async ({ store, clock }) => {
    await store.catalog.buses.create(newBus('b'));
    await store.consumers.create({ ...c1, bus: 'b' }, clock.now());
    await store.consumers.create({ ...c1, bus: 'b', name: 'c2' }, clock.now());
    assert.equal(await store.consumers.delete('b', 'c2'), true);
    assert.equal(await store.consumers.delete('b', 'c2'), false);
    await store.catalog.buses.delete('b');
    assert.deepEqual(await store.consumers.list('b'), []);
    await store.catalog.buses.create(newBus('b'));
    assert.equal(await store.consumers.get('b', 'c1'), undefined, 'a bus made again starts without the old consumers');
  }],

  ['consumers - a reopened store keeps consumers and their offsets', async (c) => {
    await c.store.consumers.create({ ...c1, pattern: { source: ['s'] } }, c.clock.now());
    await c.store.consumers.commit('default', 'c1', 42, c.clock.now());
    const s = await c.reopen();
    const got = await s.consumers.get('default', 'c1');
    assert.deepEqual([got?.offset, got?.pattern], [42, { source: ['s'] }]);
  }],
];

export function runConsumersContract(opts: ContractOptions): void {
  runCases('consumers', opts, cases);
}
