// The optional Housekeeping port's contract: the retention sweep answers what it removed and
// removes only what is past retention; the size is a positive number of bytes. A backend
// without housekeeping skips these cases by name, with its reason.
import assert from 'node:assert/strict';
import type { Housekeeping, Store } from '../types.js';
import { item, newBus, runCases, type Case, type ContractOptions } from './contract.fixture.js';

const housekeeping = (store: Store): Housekeeping => {
  if (store.housekeeping === undefined) throw new Error('this backend has no housekeeping: skip the housekeeping cases by name, with a reason');
  return store.housekeeping;
};

const cases: Case[] = [
  ['housekeeping - a sweep answers how many events it removed; events within retention stay', async ({ store, clock }) => {
    const hk = housekeeping(store);
    await store.catalog.buses.create(newBus('aged', { retention: { maxAgeMs: 1000, maxCount: null } }));
    await store.catalog.buses.create(newBus('counted', { retention: { maxAgeMs: null, maxCount: 2 } }));
    await store.events.append([item('aged', 'a1'), item('counted', 'c1'), item('counted', 'c2'), item('counted', 'c3')]);
    clock.advance(1001);
    await store.events.append([item('aged', 'a2')]);
    assert.equal(await hk.sweepRetention(), 2);
    assert.deepEqual([await store.events.count('aged'), await store.events.count('counted')], [1, 2]);
    assert.equal(await hk.sweepRetention(), 0);
  }],

  ['housekeeping - a sweep on a store without retention limits removes nothing', async ({ store }) => {
    const hk = housekeeping(store);
    await store.catalog.buses.create(newBus('kept'));
    await store.events.append([item('kept', '1'), item('kept', '2')]);
    assert.equal(await hk.sweepRetention(), 0);
    assert.equal(await store.events.count('kept'), 2);
  }],

  ['housekeeping - the store size is a positive whole number of bytes', async ({ store }) => {
    const hk = housekeeping(store);
    await store.events.append([item('default', '1')]);
    const n = await hk.sizeBytes();
    assert.ok(Number.isInteger(n) && n > 0, String(n));
  }],
];

export function runHousekeepingContract(opts: ContractOptions): void {
  runCases('housekeeping', opts, cases);
}
