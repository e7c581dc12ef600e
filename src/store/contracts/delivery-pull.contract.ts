// The delivery queue's contract, part 3: pull queues (docs/queues.md). receive counts each lease
// as a receive and dead-letters past maxReceives; settle (ack, release, reject, renew) applies
// only with the current lease of a delivery of the named targets; FIFO groups hand out one
// delivery per group; a pull lease outlives a reopen. Time is the case's clock.
import assert from 'node:assert/strict';
import type { LeasedDelivery, PullSettlement } from '../delivery-types.js';
import { countsOf, routed, runCases, target, type Case, type ContractOptions } from './contract.fixture.js';

const q = target('q');
const keys = [q];
const LOCK = 10_000;
const ref = (d: LeasedDelivery | undefined): { id: string; lease: string } => {
  if (d === undefined) throw new Error('expected a received delivery');
  return { id: d.id, lease: d.lease };
};
const ack = (d: LeasedDelivery | undefined): PullSettlement => ({ type: 'ack', ...ref(d) });

const cases: Case[] = [
  ['pull queue - receive leases due deliveries in order and counts the receive; an acked one never comes back', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a', ['q']), routed('default', 'b', ['q']), routed('default', 'c', ['q'])]);
    const now = clock.now();
    const r = await store.deliveries.receive(q, now, now + LOCK, 2, 5);
    assert.deepEqual(r.deliveries.map((d) => [d.eventId, d.attempts, d.leaseUntil]), [['a', 1, now + LOCK], ['b', 1, now + LOCK]]);
    assert.equal(r.deadLettered, 0);
    assert.deepEqual(await store.deliveries.settle(keys, [ack(r.deliveries[0]), ack(r.deliveries[0])], now), [true, false], 'a second ack of the same lease is not applied');
    const later = now + LOCK;
    const again = await store.deliveries.receive(q, later, later + LOCK, 10, 5);
    assert.deepEqual(again.deliveries.map((d) => [d.eventId, d.attempts]).sort(), [['b', 2], ['c', 1]], 'the unacked one is back after its lock, the acked one is not');
    assert.deepEqual(await countsOf(store, q), { pending: 0, inFlight: 2, dead: 0 });
  }],

  ['pull queue - a lease held by another receive, or by a delivery of another target, settles nothing', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a', ['q', 'other'])]);
    const now = clock.now();
    const [first] = (await store.deliveries.receive(q, now, now + 1000, 1, 5)).deliveries;
    const [second] = (await store.deliveries.receive(q, now + 1000, now + 2000, 1, 5)).deliveries;
    assert.equal(first?.id, second?.id);
    assert.deepEqual(await store.deliveries.settle(keys, [ack(first)], now + 1000), [false], 'the expired lease was taken over');
    const [other] = (await store.deliveries.receive(target('other'), now, now + 1000, 1, 5)).deliveries;
    assert.deepEqual(await store.deliveries.settle(keys, [ack(other)], now + 1000), [false], 'a delivery of another target is not this queue\'s');
    assert.deepEqual(await store.deliveries.settle(keys, [{ type: 'ack', id: 'no-such-id', lease: 'nope' }], now), [false]);
    assert.deepEqual(await store.deliveries.settle(keys, [ack(second)], now + 1000), [true]);
  }],

  ['pull queue - release gives a delivery back, due after its delay; renew extends a current lock only', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a', ['q']), routed('default', 'b', ['q'])]);
    const now = clock.now();
    const [a, b] = (await store.deliveries.receive(q, now, now + 1000, 2, 5)).deliveries;
    assert.deepEqual(await store.deliveries.settle(keys, [
      { type: 'release', ...ref(a), dueAt: now + 500 },
      { type: 'renew', ...ref(b), leaseUntil: now + 5000 },
    ], now), [true, true]);
    assert.deepEqual((await store.deliveries.receive(q, now + 499, now + 2000, 10, 5)).deliveries, [], 'released with a delay: not before it');
    const log = await store.deliveries.attempts(a!.id);
    assert.deepEqual(log.map((x) => [x.at, x.ok, x.errorClass]), [[now, false, 'released']], 'a release is kept in the attempt log');
    const back = (await store.deliveries.receive(q, now + 1500, now + 3000, 10, 5)).deliveries;
    assert.deepEqual(back.map((d) => [d.eventId, d.attempts]), [['a', 2]], 'b\'s renewed lock still holds');
    assert.deepEqual(await store.deliveries.settle(keys, [{ type: 'renew', ...ref(back[0]), leaseUntil: now + 9000 }], now + 3000), [false], 'a lock that ended is not renewed');
  }],

  ['pull queue - reject dead-letters with the reason; past maxReceives a delivery is dead-lettered at receive', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a', ['q']), routed('default', 'b', ['q'])]);
    let now = clock.now();
    const [a] = (await store.deliveries.receive(q, now, now + 1000, 1, 2)).deliveries;
    assert.deepEqual(await store.deliveries.settle(keys, [{ type: 'reject', ...ref(a), reason: 'cannot parse' }], now), [true]);
    for (let i = 0; i < 2; i++) {
      const got = (await store.deliveries.receive(q, now, now + 1000, 10, 2)).deliveries;
      assert.deepEqual(got.map((d) => d.eventId), ['b']);
      now += 1000;
    }
    const third = await store.deliveries.receive(q, now, now + 1000, 10, 2);
    assert.deepEqual([third.deliveries.length, third.deadLettered], [0, 1]);
    const dead = await store.deliveries.listDead({ bus: 'default', target: 'q' }, 10);
    assert.deepEqual(dead.items.map((d) => [d.eventId, d.lastError?.includes('maxReceives') ?? false]).sort(), [['a', false], ['b', true]]);
    assert.equal(dead.items.find((d) => d.eventId === 'a')?.lastError, 'cannot parse');
    assert.equal(await store.deliveries.redrive({ filter: { target: 'q' } }, now), 2);
    const redriven = await store.deliveries.receive(q, now, now + 1000, 10, 2);
    assert.deepEqual(redriven.deliveries.map((d) => [d.eventId, d.attempts]), [['a', 1], ['b', 1]], 'a redrive gives a fresh receive count');
  }],

  ['pull queue - one FIFO group is out to one receiver at a time, in order, across acks, releases and lock expiry', async ({ store, clock }) => {
    await store.events.append(['g1', 'g2', 'g3'].map((id) => routed('default', id, ['q'], { group: 'g' })).concat([routed('default', 'h1', ['q'], { group: 'h' })]));
    const now = clock.now();
    const first = (await store.deliveries.receive(q, now, now + 1000, 10, 5)).deliveries;
    assert.deepEqual(first.map((d) => d.eventId), ['g1', 'h1'], 'only each group\'s head');
    assert.deepEqual((await store.deliveries.receive(q, now, now + 1000, 10, 5)).deliveries, [], 'nothing more while the heads are out');
    const g1 = first.find((d) => d.eventId === 'g1');
    await store.deliveries.settle(keys, [{ type: 'release', ...ref(g1), dueAt: now }], now);
    assert.deepEqual((await store.deliveries.receive(q, now, now + 1000, 10, 5)).deliveries.map((d) => d.eventId), ['g1'], 'a released head comes back first');
    const expired = (await store.deliveries.receive(q, now + 1000, now + 2000, 10, 5)).deliveries;
    assert.deepEqual(expired.map((d) => d.eventId), ['g1', 'h1'], 'expired locks: the heads again, never g2');
    assert.deepEqual(await store.deliveries.settle(keys, [ack(expired[0])], now + 1000), [true]);
    const next = (await store.deliveries.receive(q, now + 1000, now + 2000, 10, 5)).deliveries;
    assert.deepEqual(next.map((d) => d.eventId), ['g2']);
  }],

  ['pull queue - a reopened store keeps pull leases until their time, and their tokens still settle', async (c) => {
    await c.store.events.append([routed('default', 'a', ['q']), routed('default', 'b', ['q'])]);
    const now = c.clock.now();
    const [a, b] = (await c.store.deliveries.receive(q, now, now + LOCK, 2, 5)).deliveries;
    const s = await c.reopen();
    assert.deepEqual((await s.deliveries.receive(q, now + 1, now + LOCK, 10, 5)).deliveries, [], 'both locks still held');
    assert.deepEqual(await s.deliveries.settle(keys, [ack(a)], now + 2), [true]);
    const back = (await s.deliveries.receive(q, now + LOCK, now + 2 * LOCK, 10, 5)).deliveries;
    assert.deepEqual(back.map((d) => d.eventId), [b?.eventId]);
  }],
];

export function runPullQueueContract(opts: ContractOptions): void {
  runCases('pull queue', opts, cases);
}
