// Delayed events (docs/delay-and-transactions.md): an item appended with `deliverAt` is stored
// and readable at once, and its deliveries are due at that time, not before — also when a FIFO
// group promotes it early, and after a reopen. A `deliverAt` in the past is due at once.
import assert from 'node:assert/strict';
import { routed, runCases, stored, target, type Case, type ContractOptions } from './contract.fixture.js';

const t1 = target('t1');
const LEASE = 30_000;

const cases: Case[] = [
  ['delayed delivery - the event is readable at once; its delivery is not leased before deliverAt', async ({ store, clock }) => {
    const now = clock.now();
    const seq = stored((await store.events.append([{ ...routed('default', 'a', ['t1']), deliverAt: now + 5000 }]))[0]);
    assert.equal((await store.events.get('default', 'a'))?.sequence, seq, 'stored and readable at once');
    assert.deepEqual(await store.deliveries.lease(t1, now + 4999, now + LEASE, 10), []);
    assert.equal(await store.deliveries.nextDue(t1), now + 5000);
    const [d] = await store.deliveries.lease(t1, now + 5000, now + LEASE, 10);
    assert.equal(d?.eventId, 'a');
    assert.equal(d?.firstAt, now + 5000, 'the retry budget starts when the delivery falls due');
  }],

  ['delayed delivery - a deliverAt in the past is due at once', async ({ store, clock }) => {
    const now = clock.now();
    await store.events.append([{ ...routed('default', 'a', ['t1']), deliverAt: now - 60_000 }]);
    assert.equal((await store.deliveries.lease(t1, now, now + LEASE, 10)).length, 1);
  }],

  ['delayed delivery - undelayed events are not held back by a delayed one of another group', async ({ store, clock }) => {
    const now = clock.now();
    await store.events.append([{ ...routed('default', 'late', ['t1']), deliverAt: now + 5000 }, routed('default', 'now', ['t1'])]);
    assert.deepEqual((await store.deliveries.lease(t1, now, now + LEASE, 10)).map((d) => d.eventId), ['now']);
  }],

  ['delayed delivery - a delayed event promoted in its FIFO group keeps its due time', async ({ store, clock }) => {
    const now = clock.now();
    await store.events.append([routed('default', 'head', ['t1'], { group: 'g' })]);
    await store.events.append([{ ...routed('default', 'late', ['t1'], { group: 'g' }), deliverAt: now + 5000 }]);
    const [head] = await store.deliveries.lease(t1, now, now + LEASE, 10);
    assert.equal(head?.eventId, 'head');
    await store.deliveries.complete([{ type: 'delivered', id: head.id, lease: head.lease, attempt: { at: now, durationMs: 1, ok: true, status: 200, errorClass: null, message: null, response: null } }], now);
    assert.deepEqual(await store.deliveries.lease(t1, now + 1, now + LEASE, 10), [], 'promoted, but not due before deliverAt');
    assert.deepEqual((await store.deliveries.lease(t1, now + 5000, now + LEASE, 10)).map((d) => d.eventId), ['late']);
  }],

  ['delayed delivery - a reopened store keeps the due time of a delayed delivery', async (c) => {
    const now = c.clock.now();
    await c.store.events.append([{ ...routed('default', 'a', ['t1']), deliverAt: now + 5000 }]);
    const s = await c.reopen();
    assert.deepEqual(await s.deliveries.lease(t1, now + 4999, now + LEASE, 10), []);
    assert.equal((await s.deliveries.lease(t1, now + 5000, now + LEASE, 10)).length, 1);
  }],
];

/** Runs the delayed-delivery contract against a backend. */
export function runDelayedDeliveryContract(opts: ContractOptions): void {
  runCases('delayed delivery', opts, cases);
}
