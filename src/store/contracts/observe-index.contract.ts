// The observe index's contract (ObserveStore): search by attributes, time, rule, payload text
// and delivery state; event origins; per-event delivery traces; the backlog per target.
import assert from 'node:assert/strict';
import type { EventSearchQuery } from '../observe-types.js';
import type { Store } from '../types.js';
import type { LeasedDelivery } from '../delivery-types.js';
import { failedAttempt, item, newBus, okAttempt, routed, runCases, stored, target, type Case, type ContractOptions } from './contract.fixture.js';

const LEASE = 30_000;

const searchIds = async (store: Store, q: Partial<EventSearchQuery>): Promise<string[]> =>
  (await store.observe.search({ bus: 'default', limit: 100, ...q })).items.map((e) => e.id);

const cases: Case[] = [
  ['observe index - search filters by type, source, subject and time like the event log', async ({ store, clock }) => {
    const start = clock.now();
    for (let i = 0; i < 6; i++) {
      await store.events.append([item('default', `i${i}`, { type: i % 2 === 0 ? 'even' : 'odd', subject: `s${i % 3}`, source: i < 3 ? 'urn:a' : 'urn:b' })]);
      clock.advance(1000);
    }
    assert.deepEqual(await searchIds(store, { type: 'even' }), ['i0', 'i2', 'i4']);
    assert.deepEqual(await searchIds(store, { subject: 's1', source: 'urn:b' }), ['i4']);
    assert.deepEqual(await searchIds(store, { from: start + 1000, to: start + 3000 }), ['i1', 'i2']);
    assert.deepEqual(await searchIds(store, { bus: 'nope' }), []);
    const e = (await store.observe.search({ bus: 'default', type: 'odd', limit: 1 })).items[0];
    assert.deepEqual(e, await store.events.get('default', 'i1'), 'search answers stored events as the log does');
  }],

  ['observe index - full text finds events by words of their data, all words required, case-insensitive', async ({ store }) => {
    await store.events.append([item('default', '1', { data: { msg: 'order shipped to Berlin' } }), item('default', '2', { data: { msg: 'order cancelled' } }), item('default', '3', { data: 'shipped' })]);
    assert.deepEqual(await searchIds(store, { text: 'shipped' }), ['1', '3'], 'found right after the append');
    assert.deepEqual(await searchIds(store, { text: 'order shipped' }), ['1']);
    assert.deepEqual(await searchIds(store, { text: 'berlin' }), ['1']);
    assert.deepEqual(await searchIds(store, { text: 'missing' }), []);
  }],

  ['observe index - attribute names and values outside data are not searched as text', async ({ store }) => {
    await store.events.append([item('default', '1', { data: { a: 1 }, type: 'com.example.word' })]);
    assert.deepEqual(await searchIds(store, { text: 'specversion' }), []);
    assert.deepEqual(await searchIds(store, { text: 'word' }), []);
  }],

  ['observe index - any text is searched as words: quotes, operators and NUL are no syntax', async ({ store }) => {
    await store.events.append([item('default', '1', { data: 'alpha beta' }), item('default', '2', { data: 'alpha' })]);
    for (const text of ['"; DROP', 'alpha OR', 'NOT alpha', 'al*']) assert.deepEqual(await searchIds(store, { text }), [], text);
    assert.deepEqual(await searchIds(store, { text: '(alpha' }), ['1', '2'], 'punctuation around a word is neither syntax nor part of it');
    assert.deepEqual(await searchIds(store, { text: 'alpha\u0000beta' }), ['1']);
    assert.deepEqual(await searchIds(store, { text: '  ' }), ['1', '2'], 'blank text does not narrow');
  }],

  ['observe index - rule and matched-any filters', async ({ store }) => {
    const m = (id: string, matchedRules: string[]): ReturnType<typeof item> => item('default', id, { matchedRules });
    await store.events.append([m('1', ['r1']), m('2', []), m('3', ['r1', 'r2']), m('4', ['r2'])]);
    assert.deepEqual(await searchIds(store, { rule: 'r1' }), ['1', '3']);
    assert.deepEqual(await searchIds(store, { rule: 'r2' }), ['3', '4']);
    assert.deepEqual(await searchIds(store, { rule: 'r3' }), []);
    assert.deepEqual(await searchIds(store, { matchedAny: false }), ['2']);
    assert.deepEqual(await searchIds(store, { matchedAny: true }), ['1', '3', '4']);
  }],

  ['observe index - search pages in sequence order; next is the last sequence of a full page', async ({ store }) => {
    await store.events.append(['1', '2', '3', '4'].map((id) => item('default', id, { matchedRules: id === '2' ? [] : ['r'] })));
    const p1 = await store.observe.search({ bus: 'default', matchedAny: true, limit: 2 });
    assert.deepEqual([p1.items.map((e) => e.id), p1.next], [['1', '3'], 3]);
    const p2 = await store.observe.search({ bus: 'default', matchedAny: true, limit: 2, after: p1.next });
    assert.deepEqual([p2.items.map((e) => e.id), p2.next], [['4'], undefined]);
  }],

  ['observe index - delivery state: dead, else retrying, else pending, else delivered; events without deliveries have none', async ({ store, clock }) => {
    await store.events.append([item('default', 'none'), routed('default', 'ok', ['t1']), routed('default', 'wait', ['t2']),
      routed('default', 'retry', ['t3']), routed('default', 'dead', ['t4', 't1'])]);
    const now = clock.now();
    const lease = async (t: string): Promise<LeasedDelivery[]> => store.deliveries.lease(target(t), now, now + LEASE, 10);
    for (const d of await lease('t1')) await store.deliveries.complete([{ type: 'delivered', id: d.id, lease: d.lease, attempt: okAttempt(now) }], now);
    const [r] = await lease('t3');
    await store.deliveries.complete([{ type: 'retry', id: r!.id, lease: r!.lease, attempt: failedAttempt(now), dueAt: now + 10, error: '503' }], now);
    const [x] = await lease('t4');
    await store.deliveries.complete([{ type: 'dead', id: x!.id, lease: x!.lease, attempt: failedAttempt(now, 400), reason: '400', payload: null }], now);
    assert.deepEqual(await searchIds(store, { deliveryState: 'delivered' }), ['ok']);
    assert.deepEqual(await searchIds(store, { deliveryState: 'pending' }), ['wait']);
    assert.deepEqual(await searchIds(store, { deliveryState: 'retrying' }), ['retry']);
    assert.deepEqual(await searchIds(store, { deliveryState: 'dead' }), ['dead']);
  }],

  ['observe index - origin keeps the client address and traceparent of the put', async ({ store }) => {
    const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const [a, b] = await store.events.append([item('default', '1', { client: '127.0.0.1', traceparent: tp }), item('default', '2')]);
    assert.deepEqual(await store.observe.origin('default', stored(a)), { client: '127.0.0.1', traceparent: tp });
    assert.deepEqual(await store.observe.origin('default', stored(b)), { client: null, traceparent: null });
    assert.equal(await store.observe.origin('default', 99), undefined);
  }],

  ['observe index - origin keeps what received the event (via) when the put named it', async ({ store }) => {
    const via = '{"source":"gh","kind":"webhook","verification":"github: verified"}';
    const [a] = await store.events.append([item('default', '1', { client: '10.0.0.1', via })]);
    assert.deepEqual(await store.observe.origin('default', stored(a)), { client: '10.0.0.1', traceparent: null, via });
  }],

  ['observe index - an event trace lists its deliveries, oldest first, each with its attempts', async ({ store, clock }) => {
    const [o, plain] = await store.events.append([routed('default', 'a', ['t1', 't2']), item('default', 'b')]);
    const seq = stored(o);
    const t0 = clock.now();
    const [d1] = await store.deliveries.lease(target('t1'), t0, t0 + LEASE, 1);
    await store.deliveries.complete([{ type: 'retry', id: d1!.id, lease: d1!.lease, attempt: failedAttempt(t0), dueAt: t0 + 10, error: 'HTTP 503' }], t0);
    const [again] = await store.deliveries.lease(target('t1'), t0 + 10, t0 + LEASE, 1);
    await store.deliveries.complete([{ type: 'delivered', id: d1!.id, lease: again!.lease, attempt: okAttempt(t0 + 10) }], t0 + 10);
    const [d2] = await store.deliveries.lease(target('t2'), t0, t0 + LEASE, 1);
    await store.deliveries.complete([{ type: 'dead', id: d2!.id, lease: d2!.lease, attempt: failedAttempt(t0 + 1, 400), reason: 'HTTP 400', payload: '{"p":1}' }], t0 + 1);
    const trace = await store.observe.deliveries('default', seq);
    // The trace's delivery id is the queue's delivery id (compared as text: the queue's ids are opaque strings).
    const strip = ({ dueAt: _d, id, ...rest }: (typeof trace)[number]): object => ({ id: String(id), ...rest });
    const attempt = (n: number, a: ReturnType<typeof okAttempt>): object => ({ n, at: a.at, durationMs: a.durationMs, ok: a.ok, status: a.status, errorClass: a.errorClass, message: a.message });
    assert.deepEqual(trace.map(strip), [
      { id: d1!.id, rule: 'r', target: 't1', state: 'delivered', createdAt: t0, doneAt: t0 + 10, lastError: null, payload: null,
        attempts: [attempt(1, failedAttempt(t0)), attempt(2, okAttempt(t0 + 10))] },
      { id: d2!.id, rule: 'r', target: 't2', state: 'dead', createdAt: t0, doneAt: t0 + 1, lastError: 'HTTP 400', payload: '{"p":1}',
        attempts: [attempt(1, failedAttempt(t0 + 1, 400))] },
    ]);
    assert.deepEqual(await store.observe.deliveries('default', stored(plain)), []);
    assert.deepEqual(await store.observe.deliveries('default', 99), []);
  }],

  ['observe index - a trace shows an unfinished delivery as pending or waiting, with its due time', async ({ store, clock }) => {
    const [a, b] = await store.events.append([routed('default', 'a', ['t1'], { group: 'g' }), routed('default', 'b', ['t1'], { group: 'g' })]);
    const [da] = await store.observe.deliveries('default', stored(a));
    const [db] = await store.observe.deliveries('default', stored(b));
    assert.deepEqual([da?.state, da?.dueAt, da?.doneAt, db?.state], ['pending', clock.now(), null, 'waiting']);
  }],

  ['observe index - backlog counts unfinished deliveries per target with the oldest budget start', async ({ store, clock }) => {
    await store.catalog.buses.create(newBus('b'));
    const t0 = clock.now();
    await store.events.append([routed('default', 'a1', ['t1'], { group: 'g' }), routed('default', 'x', ['t2'])]);
    clock.advance(100);
    await store.events.append([routed('default', 'a2', ['t1'], { group: 'g' }), routed('default', 'y', ['t1']), routed('b', 'z', ['t1'])]);
    const [z] = await store.deliveries.lease(target('t1', 'r', 'b'), clock.now(), clock.now() + LEASE, 1);
    await store.deliveries.complete([{ type: 'delivered', id: z!.id, lease: z!.lease, attempt: okAttempt(clock.now()) }], clock.now());
    const [x] = await store.deliveries.lease(target('t2'), clock.now(), clock.now() + LEASE, 1);
    await store.deliveries.complete([{ type: 'dead', id: x!.id, lease: x!.lease, attempt: null, reason: 'gone', payload: null }], clock.now());
    const rows = (await store.observe.backlog()).map((r) => ({ ...r })).sort((p, q) => `${p.bus}/${p.target}`.localeCompare(`${q.bus}/${q.target}`));
    assert.deepEqual(rows, [{ bus: 'default', rule: 'r', target: 't1', pending: 3, oldestPendingAt: t0 }]);
  }],

  ['observe index - events removed by retention or with their bus are no longer found', async ({ store }) => {
    await store.catalog.buses.create(newBus('b', { retention: { maxAgeMs: null, maxCount: 1 } }));
    await store.events.append([item('b', '1', { data: 'needle' }), item('b', '2', { data: 'needle' })]);
    await store.housekeeping!.sweepRetention();
    assert.deepEqual(await searchIds(store, { bus: 'b', text: 'needle' }), ['2']);
    await store.catalog.buses.delete('b');
    await store.catalog.buses.create(newBus('b'));
    assert.deepEqual(await searchIds(store, { bus: 'b', text: 'needle' }), []);
  }],

];

/** Runs the observe index's contract against a backend. */
export function runObserveIndexContract(opts: ContractOptions): void {
  runCases('observe index', opts, cases);
}
