// The delivery queue's contract, part 2: dead letters (kept with event, payload and attempts),
// forwarding to a dead-letter target, listing, redrive and purge. Run by
// runDeliveryQueueContract (delivery-queue.contract.ts).
import assert from 'node:assert/strict';
import type { Store } from '../types.js';
import type { LeasedDelivery } from '../delivery-types.js';
import { countsOf, failedAttempt, newBus, routed, target, type Case } from './contract.fixture.js';

const t1 = target('t1');
const LEASE = 30_000;

/** Leases every due delivery of `key` at `now` and dead-letters each (one failed attempt, payload `{"n":…}`). */
async function killAll(store: Store, now: number, key = t1, reason = 'HTTP 400'): Promise<LeasedDelivery[]> {
  const ds = await store.deliveries.lease(key, now, now + LEASE, 100);
  await store.deliveries.complete(ds.map((d) => ({ type: 'dead', id: d.id, lease: d.lease, attempt: failedAttempt(now, 400), reason, payload: `{"n":"${d.eventId}"}` })), now);
  return ds;
}

export const deadLetterCases: readonly Case[] = [
  ['delivery queue - a dead letter keeps the event, the payload and every attempt', async ({ store, clock }) => {
    const [o] = await store.events.append([routed('default', 'a', ['t1'], { group: 'g' })]);
    const t0 = clock.now();
    const [d] = await store.deliveries.lease(t1, t0, t0 + LEASE, 1);
    await store.deliveries.complete([{ type: 'retry', id: d!.id, lease: d!.lease, attempt: failedAttempt(t0), dueAt: t0 + 10, error: 'HTTP 503' }], t0);
    const [again] = await store.deliveries.lease(t1, t0 + 10, t0 + LEASE, 1);
    await store.deliveries.complete([{ type: 'dead', id: d!.id, lease: again!.lease, attempt: failedAttempt(t0 + 10), reason: 'gave up: HTTP 503', payload: '{"x":1}' }], t0 + 11);
    const dl = await store.deliveries.getDead(d!.id);
    assert.deepEqual(dl, {
      id: d!.id, bus: 'default', sequence: o?.type === 'stored' ? o.sequence : -1, eventId: 'a', rule: 'r', target: 't1', group: 'g',
      createdAt: t0, deadAt: t0 + 11, attempts: 2, lastError: 'gave up: HTTP 503',
      event: d!.eventBody, payload: '{"x":1}', attemptLog: [failedAttempt(t0), failedAttempt(t0 + 10)],
    });
    assert.deepEqual(await countsOf(store, t1), { pending: 0, inFlight: 0, dead: 1 });
  }],

  ['delivery queue - a dead completion without an attempt counts none', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a', ['t1'])]);
    const [d] = await store.deliveries.lease(t1, clock.now(), clock.now() + LEASE, 1);
    await store.deliveries.complete([{ type: 'dead', id: d!.id, lease: d!.lease, attempt: null, reason: 'target disabled', payload: null }], clock.now());
    const dl = await store.deliveries.getDead(d!.id);
    assert.deepEqual([dl?.attempts, dl?.attemptLog, dl?.payload, dl?.lastError], [0, [], null, 'target disabled']);
  }],

  ['delivery queue - a dead letter keeps its event after retention removes the event', async ({ store, clock }) => {
    await store.catalog.buses.create(newBus('b', { retention: { maxAgeMs: 1000, maxCount: null } }));
    await store.events.append([routed('b', 'a', ['t1'])]);
    const [d] = await killAll(store, clock.now(), target('t1', 'r', 'b'));
    clock.advance(5000);
    assert.equal(await store.housekeeping!.sweepRetention(), 1);
    assert.equal((await store.deliveries.getDead(d!.id))?.event, d!.eventBody);
  }],

  ['delivery queue - a dead letter forwarded to a dead-letter target enqueues an unordered copy for it, with a work hint', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a', ['t1'], { group: 'g' })]);
    const seen: string[] = [];
    store.deliveries.watchWork((keys) => seen.push(...keys.map((k) => k.target)));
    const now = clock.now();
    const [d] = await store.deliveries.lease(t1, now, now + LEASE, 1);
    await store.deliveries.complete([{ type: 'dead', id: d!.id, lease: d!.lease, attempt: failedAttempt(now), reason: 'x', payload: null, forwardTo: 't1#dlq' }], now + 1);
    assert.deepEqual(seen, ['t1#dlq']);
    const [copy] = await store.deliveries.lease(target('t1#dlq'), now + 1, now + LEASE, 10);
    assert.deepEqual([copy?.eventId, copy?.seq, copy?.eventBody, copy?.group, copy?.attempts, copy?.firstAt], ['a', d!.seq, d!.eventBody, null, 0, now + 1]);
    assert.notEqual(copy?.id, d!.id);
    assert.equal((await store.deliveries.getDead(d!.id))?.target, 't1', 'the dead letter stays');
  }],

  ['delivery queue - getDead answers only dead deliveries', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a', ['t1'])]);
    const [d] = await store.deliveries.lease(t1, clock.now(), clock.now() + LEASE, 1);
    assert.equal(await store.deliveries.getDead(d!.id), undefined);
  }],

  ['delivery queue - dead letters are listed by id, filtered by bus, rule, target and time, and paged', async ({ store, clock }) => {
    await store.catalog.buses.create(newBus('other'));
    await store.events.append([routed('default', 'a', ['t1']), routed('default', 'b', ['t2'], { rule: 'r2' }), routed('other', 'c', ['t1'])]);
    const t0 = clock.now();
    await killAll(store, t0);
    await killAll(store, t0 + 100, target('t2', 'r2'));
    await killAll(store, t0 + 200, target('t1', 'r', 'other'));
    const ids = async (f: object, limit = 10, after?: Parameters<Store['deliveries']['listDead']>[2]): Promise<string[]> => (await store.deliveries.listDead(f, limit, after)).items.map((d) => d.eventId);
    assert.deepEqual(await ids({}), ['a', 'b', 'c']);
    assert.deepEqual(await ids({ bus: 'default' }), ['a', 'b']);
    assert.deepEqual(await ids({ rule: 'r2' }), ['b']);
    assert.deepEqual(await ids({ bus: 'other', rule: 'r', target: 't1' }), ['c']);
    assert.deepEqual(await ids({ from: t0 + 100 }), ['b', 'c']);
    assert.deepEqual(await ids({ from: t0, to: t0 + 100 }), ['a']);
    const p1 = await store.deliveries.listDead({}, 2);
    assert.deepEqual(p1.items.map((d) => d.eventId), ['a', 'b']);
    assert.notEqual(p1.next, undefined);
    const p2 = await store.deliveries.listDead({}, 2, p1.next);
    assert.deepEqual([p2.items.map((d) => d.eventId), p2.next], [['c'], undefined]);
    const [first] = p1.items;
    assert.deepEqual(await ids({ id: first!.id }), ['a']);
  }],

  ['delivery queue - redrive by ids puts dead letters back due now with a fresh budget; the attempt log is kept', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a', ['t1']), routed('default', 'b', ['t1'])]);
    const t0 = clock.now();
    const [a, b] = await killAll(store, t0);
    const seen: string[] = [];
    store.deliveries.watchWork((keys) => seen.push(...keys.map((k) => k.target)));
    clock.advance(50);
    assert.equal(await store.deliveries.redrive({ ids: [a!.id] }, clock.now()), 1);
    assert.deepEqual(seen, ['t1'], 'a redrive gives a work hint');
    assert.equal(await store.deliveries.getDead(a!.id), undefined);
    assert.deepEqual(await countsOf(store, t1), { pending: 1, inFlight: 0, dead: 1 });
    const [back] = await store.deliveries.lease(t1, clock.now(), clock.now() + LEASE, 10);
    assert.deepEqual([back?.id, back?.attempts, back?.firstAt], [a!.id, 0, clock.now()], 'the same delivery id (the receiver sees the same webhook-id)');
    await store.deliveries.complete([{ type: 'retry', id: a!.id, lease: back!.lease, attempt: failedAttempt(clock.now()), dueAt: clock.now(), error: 'x' }], clock.now());
    assert.deepEqual((await store.deliveries.attempts(a!.id)).map((x) => x.at), [t0, clock.now()], 'attempts before and after the redrive');
    assert.equal(await store.deliveries.redrive({ ids: [a!.id] }, clock.now()), 0, 'a delivery that is not dead is not redriven');
    assert.equal((await store.deliveries.getDead(b!.id))?.eventId, 'b');
  }],

  ['delivery queue - redrive by filter answers how many went back', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a', ['t1', 't2']), routed('default', 'b', ['t1'])]);
    await killAll(store, clock.now());
    await killAll(store, clock.now(), target('t2'));
    assert.equal(await store.deliveries.redrive({ filter: { target: 't1' } }, clock.now()), 2);
    assert.deepEqual(await countsOf(store, t1), { pending: 2, inFlight: 0, dead: 0 });
    assert.deepEqual(await countsOf(store, target('t2')), { pending: 0, inFlight: 0, dead: 1 });
  }],

  ['delivery queue - redriving dead letters of one FIFO group keeps one pending, in order', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a1', ['t1'], { group: 'A' }), routed('default', 'a2', ['t1'], { group: 'A' })]);
    const now = clock.now();
    assert.equal(await store.deliveries.killTarget(t1, 'disabled', now), 2);
    assert.equal(await store.deliveries.redrive({ filter: { bus: 'default' } }, now + 1), 2);
    assert.deepEqual(await countsOf(store, t1), { pending: 2, inFlight: 0, dead: 0 });
    const [head] = await store.deliveries.lease(t1, now + 1, now + LEASE, 10);
    assert.equal(head?.eventId, 'a1');
  }],

  ['delivery queue - purge deletes the dead letters the filter selects, and nothing else', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a', ['t1', 't2']), routed('default', 'b', ['t1', 't3'])]);
    const [a] = await killAll(store, clock.now());
    await killAll(store, clock.now(), target('t2'));
    assert.equal(await store.deliveries.purge({ target: 't1' }), 2);
    assert.equal(await store.deliveries.getDead(a!.id), undefined);
    assert.deepEqual(await store.deliveries.attempts(a!.id), []);
    assert.deepEqual(await countsOf(store, t1), { pending: 0, inFlight: 0, dead: 0 });
    assert.deepEqual(await countsOf(store, target('t2')), { pending: 0, inFlight: 0, dead: 1 });
    assert.deepEqual(await countsOf(store, target('t3')), { pending: 1, inFlight: 0, dead: 0 }, 'pending deliveries are never purged');
    assert.equal(await store.deliveries.purge({}), 1);
  }],
];
