// The delivery queue's contract, part 1: enqueue with the append, work hints, leases and their
// expiry, completions (and stale ones, ignored), retry due times, FIFO groups, per-target counts
// (part 2, dead letters: delivery-dead-letters.contract.ts). Time is the case's clock; `now` is
// passed explicitly. Nothing here assumes one process: ids and lease tokens are opaque.
import assert from 'node:assert/strict';
import type { TargetKey } from '../delivery-types.js';
import { countsOf, failedAttempt, item, newBus, okAttempt, routed, runCases, stored, target, type Case, type ContractOptions } from './contract.fixture.js';
import { deadLetterCases } from './delivery-dead-letters.contract.js';

const t1 = target('t1');
const LEASE = 30_000;
const eventIds = (ds: readonly { eventId: string }[]): string[] => ds.map((d) => d.eventId);
const keyIds = (keys: readonly TargetKey[]): string[] => keys.map((k) => `${k.bus}/${k.rule}/${k.target}`).sort();

const cases: Case[] = [
  ['delivery queue - deliveries commit with their event; a work hint names their targets after the commit', async ({ store }) => {
    const seen: string[][] = [];
    const stop = store.deliveries.watchWork((keys) => seen.push(keyIds(keys)));
    await store.events.append([routed('default', 'a', ['t1', 't2']), routed('default', 'b', ['t1'])]);
    assert.deepEqual([...new Set(seen.flat())].sort(), ['default/r/t1', 'default/r/t2']);
    assert.deepEqual(keyIds(await store.deliveries.activeTargets()), ['default/r/t1', 'default/r/t2']);
    stop();
    const before = seen.length;
    await store.events.append([routed('default', 'c', ['t1'])]);
    assert.equal(seen.length, before, 'no hint after unsubscribing');
  }],

  ['delivery queue - delivery ids are opaque text, distinct per delivery; ids this backend never made match nothing', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a', ['t1', 't2'])]);
    const now = clock.now();
    const [d1] = await store.deliveries.lease(t1, now, now + LEASE, 1);
    const [d2] = await store.deliveries.lease(target('t2'), now, now + LEASE, 1);
    assert.equal(typeof d1?.id, 'string');
    assert.notEqual(d1?.id, d2?.id);
    assert.equal(await store.deliveries.getDead('no-such-id'), undefined);
    assert.deepEqual(await store.deliveries.attempts('no-such-id'), []);
    assert.equal(await store.deliveries.redrive({ ids: ['no-such-id'] }, now), 0);
    assert.equal(await store.deliveries.purge({ id: 'no-such-id' }), 0);
  }],

  ['delivery queue - an item refused by the append, or a duplicate, enqueues nothing', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a', ['t1'])]);
    const [gone, dup] = await store.events.append([routed('nope', 'x', ['t1']), routed('default', 'a', ['t1'])]);
    assert.deepEqual([gone?.type, dup?.type], ['rejected', 'duplicate']);
    assert.equal((await store.deliveries.lease(t1, clock.now(), clock.now() + LEASE, 10)).length, 1);
    assert.deepEqual(keyIds(await store.deliveries.activeTargets()), ['default/r/t1'], 'the refused bus has no work');
  }],

  ['delivery queue - a leased delivery carries its event and a fresh retry budget', async ({ store, clock }) => {
    const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const it = { ...routed('default', 'a', ['t1'], { group: 'g' }), traceparent: tp };
    const seq = stored((await store.events.append([it]))[0]);
    clock.advance(5);
    const [d] = await store.deliveries.lease(t1, clock.now(), clock.now() + LEASE, 10);
    assert.ok(d !== undefined);
    const { id, lease, leaseUntil, leases, ...rest } = d;
    assert.deepEqual([typeof id, typeof lease, leaseUntil], ['string', 'string', clock.now() + LEASE]);
    assert.ok(leases === undefined || leases === 1, 'a first lease counts 1 (or the backend does not count)');
    assert.deepEqual({ ...rest }, {
      bus: 'default', seq, eventId: 'a', rule: 'r', target: 't1', group: 'g', attempts: 0,
      firstAt: clock.now() - 5, receivedAt: clock.now() - 5, eventBody: it.body, traceparent: tp,
    });
  }],

  ['delivery queue - a leased delivery is not leased again until its lease expires', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a', ['t1'])]);
    const now = clock.now();
    const [first] = await store.deliveries.lease(t1, now, now + 1000, 10);
    assert.deepEqual(await store.deliveries.lease(t1, now + 999, now + 2000, 10), []);
    assert.equal(await store.deliveries.nextDue(t1), now + 1000, 'due again when the lease ends');
    const again = await store.deliveries.lease(t1, now + 1000, now + 2000, 10);
    assert.deepEqual(again.map((d) => [d.id, d.attempts]), [[first!.id, 0]], 'an expired lease hands the same delivery out again, no attempt counted');
  }],

  ['delivery queue - after a reopen a leased delivery is leased again, at the latest when its lease ends', async (c) => {
    await c.store.events.append([routed('default', 'a', ['t1'])]);
    const now = c.clock.now();
    const [first] = await c.store.deliveries.lease(t1, now, now + 1000, 10);
    const s = await c.reopen();
    // A backend may end a previous process's leases at open (SQLite does, holding its directory's lock).
    const [again] = await s.deliveries.lease(t1, now + 1000, now + 2000, 10);
    assert.deepEqual([again?.id, again?.attempts], [first!.id, 0]);
    assert.notEqual(again?.lease, first!.lease);
    assert.equal(await s.deliveries.complete([{ type: 'delivered', id: first!.id, lease: first!.lease, attempt: okAttempt(now) }], now + 1001), 0, 'the old lease completes nothing');
  }],

  ['delivery queue - a completion of a lease that ended and was leased again is ignored; the new lease completes', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a', ['t1'])]);
    const now = clock.now();
    const [old] = await store.deliveries.lease(t1, now, now + 1000, 1);
    const [cur] = await store.deliveries.lease(t1, now + 1000, now + 2000, 1);
    assert.equal(cur?.id, old!.id);
    assert.equal(await store.deliveries.complete([{ type: 'retry', id: old!.id, lease: old!.lease, attempt: failedAttempt(now + 1001), dueAt: now + 5000, error: 'x' }], now + 1001), 0);
    assert.equal(await store.deliveries.complete([{ type: 'release', id: old!.id, lease: old!.lease, dueAt: now }], now + 1001), 0);
    assert.deepEqual(await store.deliveries.attempts(old!.id), [], 'a stale completion records no attempt');
    assert.deepEqual(await store.deliveries.lease(t1, now + 1500, now + 3000, 1), [], 'still leased by the current lease');
    assert.equal(await store.deliveries.complete([{ type: 'delivered', id: cur!.id, lease: cur!.lease, attempt: okAttempt(now + 1002) }], now + 1002), 1);
    assert.deepEqual(await countsOf(store, t1), { pending: 0, inFlight: 0, dead: 0 });
  }],

  ['delivery queue - a completion after killTarget is ignored: the dead letter stays', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a', ['t1'])]);
    const now = clock.now();
    const [d] = await store.deliveries.lease(t1, now, now + LEASE, 1);
    assert.equal(await store.deliveries.killTarget(t1, 'rule deleted', now + 1), 1);
    assert.equal(await store.deliveries.complete([{ type: 'delivered', id: d!.id, lease: d!.lease, attempt: okAttempt(now + 2) }], now + 2), 0);
    const dl = await store.deliveries.getDead(d!.id);
    assert.deepEqual([dl?.lastError, dl?.attemptLog], ['rule deleted', []]);
    assert.deepEqual(await countsOf(store, t1), { pending: 0, inFlight: 0, dead: 1 });
  }],

  ['delivery queue - a completion after a redrive is ignored; the redriven delivery is leased afresh', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a', ['t1'])]);
    const now = clock.now();
    const [d] = await store.deliveries.lease(t1, now, now + LEASE, 1);
    await store.deliveries.killTarget(t1, 'disabled', now);
    assert.equal(await store.deliveries.redrive({ ids: [d!.id] }, now + 1), 1);
    assert.equal(await store.deliveries.complete([{ type: 'dead', id: d!.id, lease: d!.lease, attempt: failedAttempt(now + 2, 400), reason: 'late', payload: null }], now + 2), 0);
    const [again] = await store.deliveries.lease(t1, now + 2, now + LEASE, 1);
    assert.deepEqual([again?.id, again?.attempts], [d!.id, 0]);
  }],

  ['delivery queue - a lease completes once: a second completion of it is ignored', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a', ['t1'])]);
    const now = clock.now();
    const [d] = await store.deliveries.lease(t1, now, now + LEASE, 1);
    const done = { type: 'retry', id: d!.id, lease: d!.lease, attempt: failedAttempt(now), dueAt: now + 10, error: 'x' } as const;
    assert.equal(await store.deliveries.complete([done], now), 1);
    assert.equal(await store.deliveries.complete([done], now), 0);
    assert.deepEqual(await store.deliveries.attempts(d!.id), [failedAttempt(now)]);
  }],

  ['delivery queue - counts show leased deliveries as in flight until completed or their lease ends', async ({ store, clock }) => {
    await store.events.append(['a', 'b', 'c'].map((id) => routed('default', id, ['t1'])));
    const now = clock.now();
    const ds = await store.deliveries.lease(t1, now, now + LEASE, 2);
    assert.deepEqual(await countsOf(store, t1), { pending: 1, inFlight: 2, dead: 0 });
    await store.deliveries.complete([{ type: 'release', id: ds[0]!.id, lease: ds[0]!.lease, dueAt: now }], now);
    assert.deepEqual(await countsOf(store, t1), { pending: 2, inFlight: 1, dead: 0 });
  }],

  ['delivery queue - lease hands out the oldest due first, at most limit, for its target only', async ({ store, clock }) => {
    await store.events.append(['a', 'b', 'c'].map((id) => routed('default', id, ['t1', 't2'])));
    const now = clock.now();
    assert.deepEqual(eventIds(await store.deliveries.lease(t1, now, now + LEASE, 2)), ['a', 'b']);
    assert.deepEqual(eventIds(await store.deliveries.lease(t1, now, now + LEASE, 2)), ['c']);
    assert.deepEqual(eventIds(await store.deliveries.lease(target('t2'), now, now + LEASE, 10)), ['a', 'b', 'c']);
    assert.deepEqual(await store.deliveries.lease(target('t1', 'other'), now, now + LEASE, 10), []);
  }],

  ['delivery queue - a retry records its attempt and is due again at its due time', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a', ['t1'])]);
    const now = clock.now();
    const [d] = await store.deliveries.lease(t1, now, now + LEASE, 1);
    await store.deliveries.complete([{ type: 'retry', id: d!.id, lease: d!.lease, attempt: failedAttempt(now), dueAt: now + 500, error: 'HTTP 503' }], now);
    assert.equal(await store.deliveries.nextDue(t1), now + 500);
    assert.deepEqual(await store.deliveries.lease(t1, now + 499, now + LEASE, 1), []);
    const [again] = await store.deliveries.lease(t1, now + 500, now + LEASE, 1);
    assert.deepEqual([again?.id, again?.attempts, again?.firstAt], [d!.id, 1, now], 'the budget started at the enqueue');
    assert.deepEqual(await store.deliveries.attempts(d!.id), [failedAttempt(now)]);
  }],

  ['delivery queue - a release gives the lease back without an attempt', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a', ['t1'])]);
    const now = clock.now();
    const [d] = await store.deliveries.lease(t1, now, now + LEASE, 1);
    await store.deliveries.complete([{ type: 'release', id: d!.id, lease: d!.lease, dueAt: now + 100 }], now);
    assert.equal(await store.deliveries.nextDue(t1), now + 100);
    const [again] = await store.deliveries.lease(t1, now + 100, now + LEASE, 1);
    assert.equal(again?.attempts, 0);
    assert.deepEqual(await store.deliveries.attempts(d!.id), []);
  }],

  ['delivery queue - a delivered delivery is finished: never leased again, its attempts kept, its target idle', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a', ['t1'])]);
    const now = clock.now();
    const [d] = await store.deliveries.lease(t1, now, now + 1000, 1);
    await store.deliveries.complete([{ type: 'delivered', id: d!.id, lease: d!.lease, attempt: okAttempt(now + 1) }], now + 1);
    assert.deepEqual(await store.deliveries.lease(t1, now + 5000, now + 6000, 10), []);
    assert.equal(await store.deliveries.nextDue(t1), undefined);
    assert.deepEqual(await store.deliveries.activeTargets(), []);
    assert.deepEqual(await countsOf(store, t1), { pending: 0, inFlight: 0, dead: 0 });
    assert.deepEqual(await store.deliveries.attempts(d!.id), [okAttempt(now + 1)]);
  }],

  ['delivery queue - completions of several deliveries are recorded together', async ({ store, clock }) => {
    await store.events.append(['a', 'b', 'c'].map((id) => routed('default', id, ['t1'])));
    const now = clock.now();
    const [a, b, c] = await store.deliveries.lease(t1, now, now + LEASE, 3);
    await store.deliveries.complete([
      { type: 'delivered', id: a!.id, lease: a!.lease, attempt: okAttempt(now) },
      { type: 'retry', id: b!.id, lease: b!.lease, attempt: failedAttempt(now), dueAt: now + 10, error: 'x' },
      { type: 'release', id: c!.id, lease: c!.lease, dueAt: now + 20 },
    ], now);
    assert.deepEqual(await countsOf(store, t1), { pending: 2, inFlight: 0, dead: 0 });
    assert.deepEqual(eventIds(await store.deliveries.lease(t1, now + 20, now + LEASE, 10)), ['b', 'c']);
  }],

  ['delivery queue - a FIFO group has one pending delivery; finishing the head promotes the next in bus order', async ({ store, clock }) => {
    const g = (id: string, group: string): ReturnType<typeof routed> => routed('default', id, ['t1'], { group });
    await store.events.append([g('a1', 'A'), g('b1', 'B'), g('a2', 'A'), g('a3', 'A')]);
    const now = clock.now();
    const first = await store.deliveries.lease(t1, now, now + LEASE, 10);
    assert.deepEqual(eventIds(first), ['a1', 'b1']);
    assert.deepEqual(await countsOf(store, t1), { pending: 2, inFlight: 2, dead: 0 });
    await store.deliveries.complete([{ type: 'delivered', id: first[0]!.id, lease: first[0]!.lease, attempt: okAttempt(now) }], now);
    assert.deepEqual(eventIds(await store.deliveries.lease(t1, now, now + LEASE, 10)), ['a2']);
    assert.deepEqual(await countsOf(store, t1), { pending: 1, inFlight: 2, dead: 0 });
  }],

  ['delivery queue - a failing FIFO head blocks its group until it is due again', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a1', ['t1'], { group: 'A' }), routed('default', 'a2', ['t1'], { group: 'A' })]);
    const now = clock.now();
    const [head] = await store.deliveries.lease(t1, now, now + LEASE, 10);
    await store.deliveries.complete([{ type: 'retry', id: head!.id, lease: head!.lease, attempt: failedAttempt(now), dueAt: now + 10, error: '503' }], now);
    assert.deepEqual(await store.deliveries.lease(t1, now + 5, now + LEASE, 10), []);
    assert.deepEqual((await store.deliveries.lease(t1, now + 10, now + LEASE, 10)).map((d) => [d.eventId, d.attempts]), [['a1', 1]]);
  }],

  ['delivery queue - a dead FIFO head promotes the next one', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a1', ['t1'], { group: 'A' }), routed('default', 'a2', ['t1'], { group: 'A' })]);
    const now = clock.now();
    const [head] = await store.deliveries.lease(t1, now, now + LEASE, 10);
    await store.deliveries.complete([{ type: 'dead', id: head!.id, lease: head!.lease, attempt: failedAttempt(now, 400), reason: 'HTTP 400', payload: null }], now);
    assert.deepEqual(eventIds(await store.deliveries.lease(t1, now, now + LEASE, 10)), ['a2']);
  }],

  ['delivery queue - a FIFO group is per target: the same key on another target does not wait', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a1', ['t1', 't2'], { group: 'A' }), routed('default', 'a2', ['t2'], { group: 'A' })]);
    const now = clock.now();
    assert.deepEqual(eventIds(await store.deliveries.lease(t1, now, now + LEASE, 10)), ['a1']);
    assert.deepEqual(eventIds(await store.deliveries.lease(target('t2'), now, now + LEASE, 10)), ['a1']);
    assert.deepEqual(await countsOf(store, target('t2')), { pending: 1, inFlight: 1, dead: 0 });
  }],

  ['delivery queue - a promotion gives a work hint for its target', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a1', ['t1'], { group: 'A' }), routed('default', 'a2', ['t1'], { group: 'A' })]);
    const seen: string[][] = [];
    store.deliveries.watchWork((keys) => seen.push(keyIds(keys)));
    const now = clock.now();
    const [head] = await store.deliveries.lease(t1, now, now + LEASE, 10);
    await store.deliveries.complete([{ type: 'delivered', id: head!.id, lease: head!.lease, attempt: okAttempt(now) }], now);
    assert.deepEqual(seen, [['default/r/t1']]);
  }],

  ['delivery queue - a delivery whose event retention removed is leased with a null body', async ({ store, clock }) => {
    await store.catalog.buses.create(newBus('b', { retention: { maxAgeMs: null, maxCount: 1 } }));
    await store.events.append([routed('b', 'a', ['t1']), item('b', 'z')]);
    await store.housekeeping!.sweepRetention();
    const [d] = await store.deliveries.lease(target('t1', 'r', 'b'), clock.now(), clock.now() + LEASE, 1);
    assert.deepEqual([d?.eventId, d?.eventBody, d?.receivedAt], ['a', null, clock.now()]);
  }],

  ['delivery queue - nextDue and activeTargets see pending deliveries only', async ({ store, clock }) => {
    assert.equal(await store.deliveries.nextDue(t1), undefined);
    await store.events.append([routed('default', 'a', ['t1', 't2'])]);
    assert.equal(await store.deliveries.nextDue(t1), clock.now());
    const now = clock.now();
    const [d] = await store.deliveries.lease(target('t2'), now, now + LEASE, 1);
    await store.deliveries.complete([{ type: 'dead', id: d!.id, lease: d!.lease, attempt: null, reason: 'gone', payload: null }], now);
    assert.deepEqual(keyIds(await store.deliveries.activeTargets()), ['default/r/t1']);
    assert.equal(await store.deliveries.nextDue(target('t2')), undefined);
  }],

  ['delivery queue - killTarget dead-letters every pending and waiting delivery of the target, and no other', async ({ store, clock }) => {
    await store.events.append([routed('default', 'a', ['t1', 't2'], { group: 'A' }), routed('default', 'b', ['t1'], { group: 'A' }), routed('default', 'c', ['t1'])]);
    const now = clock.now();
    assert.equal(await store.deliveries.killTarget(t1, 'rule deleted', now), 3);
    assert.deepEqual(await countsOf(store, t1), { pending: 0, inFlight: 0, dead: 3 });
    assert.deepEqual(await countsOf(store, target('t2')), { pending: 1, inFlight: 0, dead: 0 });
    const dead = await store.deliveries.listDead({ target: 't1' }, 10);
    assert.deepEqual(dead.items.map((d) => [d.eventId, d.lastError, d.deadAt]), [['a', 'rule deleted', now], ['b', 'rule deleted', now], ['c', 'rule deleted', now]]);
    assert.equal(await store.deliveries.killTarget(t1, 'again', now), 0);
  }],

  ['delivery queue - sweepDelivered deletes deliveries delivered before a time, at most limit, with their attempts', async ({ store, clock }) => {
    await store.events.append(['a', 'b', 'c'].map((id) => routed('default', id, ['t1'])));
    const t0 = clock.now();
    const ds = await store.deliveries.lease(t1, t0, t0 + LEASE, 3);
    for (const [i, d] of ds.slice(0, 2).entries()) await store.deliveries.complete([{ type: 'delivered', id: d.id, lease: d.lease, attempt: okAttempt(t0 + i) }], t0 + i);
    assert.equal(await store.deliveries.sweepDelivered(t0 + 2, 1), 1);
    assert.equal(await store.deliveries.sweepDelivered(t0 + 1, 10), 0, 'finished at t0 + 1 is not before t0 + 1');
    assert.equal(await store.deliveries.sweepDelivered(t0 + 2, 10), 1);
    assert.deepEqual(await store.deliveries.attempts(ds[0]!.id), []);
    assert.deepEqual(await countsOf(store, t1), { pending: 0, inFlight: 1, dead: 0 }, 'an unfinished delivery is never swept');
  }],

  ['delivery queue - target health is absent until set, round-trips, and is cleared by undefined', async ({ store }) => {
    assert.equal(await store.deliveries.health(t1), undefined);
    await store.deliveries.setHealth(t1, { failingSince: 10, disabledAt: null });
    await store.deliveries.setHealth(t1, { failingSince: 10, disabledAt: 20 });
    assert.deepEqual(await store.deliveries.health(t1), { failingSince: 10, disabledAt: 20 });
    assert.equal(await store.deliveries.health(target('t2')), undefined);
    await store.deliveries.setHealth(t1, undefined);
    assert.equal(await store.deliveries.health(t1), undefined);
  }],

  ['delivery queue - a reopened store keeps pending deliveries, attempts and target health', async (c) => {
    await c.store.events.append([routed('default', 'a', ['t1'])]);
    const now = c.clock.now();
    const [d] = await c.store.deliveries.lease(t1, now, now + LEASE, 1);
    await c.store.deliveries.complete([{ type: 'retry', id: d!.id, lease: d!.lease, attempt: failedAttempt(now), dueAt: now + 10, error: 'x' }], now);
    await c.store.deliveries.setHealth(t1, { failingSince: now, disabledAt: null });
    const s = await c.reopen();
    assert.deepEqual((await s.deliveries.lease(t1, now + 10, now + LEASE, 1)).map((x) => [x.id, x.attempts]), [[d!.id, 1]]);
    assert.deepEqual(await s.deliveries.attempts(d!.id), [failedAttempt(now)]);
    assert.deepEqual(await s.deliveries.health(t1), { failingSince: now, disabledAt: null });
  }],

  ['delivery queue - leases are counted: a lease that ended counts, a release gives its lease back', async ({ store, clock }) => {
    const now = clock.now();
    await store.events.append([routed('default', 'a', ['t1'])]);
    const [first] = await store.deliveries.lease(t1, now, now + LEASE, 1);
    if (first?.leases === undefined) return; // a backend that does not count leases
    assert.equal(first.leases, 1);
    const [again] = await store.deliveries.lease(t1, now + LEASE, now + 2 * LEASE, 1);
    assert.equal(again?.leases, 2, 'leased again after its lease ended');
    await store.deliveries.complete([{ type: 'release', id: again!.id, lease: again!.lease, dueAt: now + LEASE }], now + LEASE);
    const [third] = await store.deliveries.lease(t1, now + LEASE, now + 3 * LEASE, 1);
    assert.equal(third?.leases, 2, 'the released lease is not counted');
  }],

  ['delivery queue - a dropped delivery (at-most-once) keeps its attempt, is neither due again nor dead, and hands its FIFO group on', async ({ store, clock }) => {
    const now = clock.now();
    await store.events.append([routed('default', 'a', ['t1'], { group: 'g' }), routed('default', 'b', ['t1'], { group: 'g' })]);
    const [d] = await store.deliveries.lease(t1, now, now + LEASE, 10);
    assert.equal(await store.deliveries.complete([{ type: 'dropped', id: d!.id, lease: d!.lease, attempt: failedAttempt(now), reason: 'at-most-once: http 503' }], now), 1);
    assert.equal(await store.deliveries.complete([{ type: 'dropped', id: d!.id, lease: d!.lease, attempt: failedAttempt(now), reason: 'again' }], now), 0, 'a finished lease');
    assert.deepEqual(await store.deliveries.attempts(d!.id), [failedAttempt(now)]);
    assert.deepEqual(await countsOf(store, t1), { pending: 1, inFlight: 0, dead: 0 });
    const next = await store.deliveries.lease(t1, now + LEASE + 1, now + 2 * LEASE, 10);
    assert.deepEqual(next.map((x) => x.eventId), ['b'], 'only the next of the group, never the dropped one again');
  }],
];

/** Runs the delivery queue's contract (queue and dead letters) against a backend. */
export function runDeliveryQueueContract(opts: ContractOptions): void {
  runCases('delivery queue', opts, [...cases, ...deadLetterCases]);
}
