// The transaction log's contract (transaction-types.ts): begin, hold (all or none, bounded),
// commit (atomic append in put order, with deliveries; the held events were never readable),
// rollback, the final states, check-back claims and records, the event → transaction lookup,
// reopen, the sweep of ended transactions.
import assert from 'node:assert/strict';
import type { AppendItem } from '../types.js';
import type { HeldEvent, TransactionStep } from '../transaction-types.js';
import { item, newBus, routed, runCases, target, type Case, type ContractOptions } from './contract.fixture.js';

const held = (id: string, extra: Partial<AppendItem> = {}): HeldEvent => {
  const { bus: _bus, matchedRules: _m, deliveries: _d, deliverAt: _a, ...rest } = item('default', id, extra);
  return rest;
};
const routedItems = (ids: readonly string[]): AppendItem[] => ids.map((id) => routed('default', id, ['t1']));
const committed = (at: number): TransactionStep & { type: 'committed' } => ({ type: 'committed', at, by: 'producer' });
const rolledBack = (at: number): TransactionStep & { type: 'rolled-back' } => ({ type: 'rolled-back', at, by: 'producer' });
const tx = (id: string, checkAfterMs = 1000, checkUrl: string | null = 'http://127.0.0.1:1/check') => ({ bus: 'default', id, checkUrl, checkAfterMs });

const cases: Case[] = [
  ['transaction log - a begun transaction is open, due for a check-back after checkAfterMs, with a begin step', async ({ store, clock }) => {
    const now = clock.now();
    const t = await store.transactions.begin(tx('t1', 5000), now, 10);
    assert.deepEqual(t, {
      bus: 'default', id: 't1', state: 'open', checkUrl: 'http://127.0.0.1:1/check', checkAfterMs: 5000, createdAt: now,
      nextCheckAt: now + 5000, checks: 0, events: 0, endedAt: null, sequences: null, history: [{ type: 'begin', at: now }],
    });
    assert.deepEqual(await store.transactions.get('default', 't1'), t);
    assert.equal(await store.transactions.get('default', 'nope'), undefined);
    assert.equal(await store.transactions.get('other', 't1'), undefined, 'a transaction belongs to its bus');
  }],

  ['transaction log - begin answers undefined once maxOpen transactions are open; ended ones do not count', async ({ store, clock }) => {
    const now = clock.now();
    assert.ok(await store.transactions.begin(tx('a'), now, 2));
    assert.ok(await store.transactions.begin(tx('b'), now, 2));
    assert.equal(await store.transactions.begin(tx('c'), now, 2), undefined);
    await store.transactions.rollback('default', 'a', rolledBack(now));
    assert.ok(await store.transactions.begin(tx('c'), now, 2));
  }],

  ['transaction log - held events are not in the event log and enqueue no delivery', async ({ store, clock }) => {
    await store.transactions.begin(tx('t1'), clock.now(), 10);
    assert.deepEqual(await store.transactions.hold('default', 't1', [held('a'), held('b')], 100), { type: 'held', events: 2 });
    assert.deepEqual(await store.transactions.hold('default', 't1', [held('c')], 100), { type: 'held', events: 3 });
    assert.equal(await store.events.get('default', 'a'), undefined);
    assert.equal(await store.events.count('default'), 0);
    assert.deepEqual(await store.deliveries.activeTargets(), []);
    assert.deepEqual((await store.transactions.held('default', 't1')).map((e) => e.id), ['a', 'b', 'c'], 'in put order');
    assert.equal((await store.transactions.get('default', 't1'))?.events, 3);
  }],

  ['transaction log - a put past maxEvents holds nothing of it', async ({ store, clock }) => {
    await store.transactions.begin(tx('t1'), clock.now(), 10);
    await store.transactions.hold('default', 't1', [held('a')], 3);
    assert.deepEqual(await store.transactions.hold('default', 't1', [held('b'), held('c'), held('d')], 3), { type: 'full', events: 1 });
    assert.deepEqual((await store.transactions.held('default', 't1')).map((e) => e.id), ['a']);
  }],

  ['transaction log - hold into an unknown or ended transaction is refused', async ({ store, clock }) => {
    assert.deepEqual(await store.transactions.hold('default', 'nope', [held('a')], 10), { type: 'not-found' });
    await store.transactions.begin(tx('t1'), clock.now(), 10);
    await store.transactions.rollback('default', 't1', rolledBack(clock.now()));
    assert.deepEqual(await store.transactions.hold('default', 't1', [held('a')], 10), { type: 'closed', state: 'rolled-back' });
  }],

  ['transaction log - a commit appends the events in put order with their deliveries, atomically, and ends the transaction', async ({ store, clock }) => {
    await store.events.append([item('default', 'before')]);
    await store.transactions.begin(tx('t1'), clock.now(), 10);
    await store.transactions.hold('default', 't1', [held('a'), held('b'), held('c')], 10);
    clock.advance(10);
    const end = await store.transactions.commit('default', 't1', 3, routedItems(['a', 'b', 'c']), committed(clock.now()));
    assert.equal(end.type, 'ended');
    if (end.type !== 'ended') return;
    assert.deepEqual(end.outcomes.map((o) => o.type === 'stored' && o.sequence), [2, 3, 4]);
    assert.equal(end.transaction.state, 'committed');
    assert.deepEqual(end.transaction.sequences, { first: 2, last: 4 });
    assert.equal(end.transaction.endedAt, clock.now());
    assert.equal(end.transaction.nextCheckAt, null);
    assert.deepEqual(end.transaction.history.map((s) => s.type), ['begin', 'committed']);
    assert.deepEqual((await store.events.list({ bus: 'default', limit: 10 })).items.map((e) => e.id), ['before', 'a', 'b', 'c']);
    assert.equal((await store.deliveries.lease(target('t1'), clock.now(), clock.now() + 1000, 10)).length, 3);
    assert.deepEqual(await store.transactions.held('default', 't1'), []);
  }],

  ['transaction log - a commit expecting another number of events changes nothing', async ({ store, clock }) => {
    await store.transactions.begin(tx('t1'), clock.now(), 10);
    await store.transactions.hold('default', 't1', [held('a'), held('b')], 10);
    assert.deepEqual(await store.transactions.commit('default', 't1', 1, routedItems(['a']), committed(clock.now())), { type: 'changed' });
    assert.equal(await store.events.count('default'), 0);
    assert.equal((await store.transactions.get('default', 't1'))?.state, 'open');
  }],

  ['transaction log - a committed or rolled-back transaction cannot end again', async ({ store, clock }) => {
    const now = clock.now();
    await store.transactions.begin(tx('t1'), now, 10);
    await store.transactions.commit('default', 't1', 0, [], committed(now));
    assert.deepEqual(await store.transactions.rollback('default', 't1', rolledBack(now)), { type: 'closed', state: 'committed' });
    assert.deepEqual(await store.transactions.commit('default', 't1', 0, [], committed(now)), { type: 'closed', state: 'committed' });
    assert.deepEqual(await store.transactions.rollback('default', 'nope', rolledBack(now)), { type: 'not-found' });
    assert.deepEqual(await store.transactions.commit('default', 'nope', 0, [], committed(now)), { type: 'not-found' });
  }],

  ['transaction log - a rollback discards the held events', async ({ store, clock }) => {
    await store.transactions.begin(tx('t1'), clock.now(), 10);
    await store.transactions.hold('default', 't1', [held('a')], 10);
    const end = await store.transactions.rollback('default', 't1', rolledBack(clock.now()));
    assert.equal(end.type === 'ended' && end.transaction.state, 'rolled-back');
    assert.deepEqual(await store.transactions.held('default', 't1'), []);
    assert.equal(await store.events.count('default'), 0);
  }],

  ['transaction log - due check-backs are claimed once, oldest first, and a recorded check sets the next', async ({ store, clock }) => {
    const now = clock.now();
    await store.transactions.begin(tx('late', 2000), now, 10);
    await store.transactions.begin(tx('early', 1000), now, 10);
    await store.transactions.begin(tx('ended', 500), now, 10);
    await store.transactions.rollback('default', 'ended', rolledBack(now));
    assert.deepEqual(await store.transactions.claimDue(now + 999, now + 5000, 10), []);
    assert.deepEqual((await store.transactions.claimDue(now + 2000, now + 5000, 10)).map((t) => t.id), ['early', 'late']);
    assert.deepEqual(await store.transactions.claimDue(now + 2000, now + 5000, 10), [], 'claimed: not due again before the claim ends');
    assert.equal(await store.transactions.recordCheck('default', 'early', { type: 'check', at: now + 2000, n: 1, answer: 'unknown', detail: 'HTTP 503' }, now + 3000), true);
    const t = await store.transactions.get('default', 'early');
    assert.deepEqual([t?.checks, t?.nextCheckAt, t?.history.at(-1)], [1, now + 3000, { type: 'check', at: now + 2000, n: 1, answer: 'unknown', detail: 'HTTP 503' }]);
    assert.equal(await store.transactions.recordCheck('default', 'ended', { type: 'check', at: now, n: 1, answer: 'unknown' }, now + 1), false);
    assert.deepEqual((await store.transactions.claimDue(now + 3000, now + 9000, 10)).map((t) => t.id), ['early']);
  }],

  ['transaction log - an event a commit stored names its transaction; others name none', async ({ store, clock }) => {
    await store.events.append([item('default', 'x')]);
    await store.transactions.begin(tx('t1'), clock.now(), 10);
    await store.transactions.hold('default', 't1', [held('a'), held('b')], 10);
    await store.transactions.commit('default', 't1', 2, routedItems(['a', 'b']), committed(clock.now()));
    await store.events.append([item('default', 'y')]);
    assert.equal(await store.transactions.ofEvent('default', 1), undefined);
    assert.equal((await store.transactions.ofEvent('default', 2))?.id, 't1');
    assert.equal((await store.transactions.ofEvent('default', 3))?.id, 't1');
    assert.equal(await store.transactions.ofEvent('default', 4), undefined);
  }],

  ['transaction log - list shows a bus\'s transactions newest first, optionally in one state', async ({ store, clock }) => {
    await store.catalog.buses.create(newBus('other'));
    await store.transactions.begin(tx('a'), clock.now(), 10);
    clock.advance(1);
    await store.transactions.begin(tx('b'), clock.now(), 10);
    await store.transactions.begin({ ...tx('c'), bus: 'other' }, clock.now(), 10);
    await store.transactions.rollback('default', 'a', rolledBack(clock.now()));
    assert.deepEqual((await store.transactions.list('default', undefined, 10)).map((t) => t.id), ['b', 'a']);
    assert.deepEqual((await store.transactions.list('default', 'open', 10)).map((t) => t.id), ['b']);
    assert.deepEqual((await store.transactions.list('default', undefined, 1)).map((t) => t.id), ['b']);
  }],

  ['transaction log - ended transactions are swept after they ended; open ones never', async ({ store, clock }) => {
    const now = clock.now();
    await store.transactions.begin(tx('open'), now, 10);
    await store.transactions.begin(tx('done'), now, 10);
    await store.transactions.rollback('default', 'done', rolledBack(now));
    assert.equal(await store.transactions.sweepEnded(now, 10), 0);
    assert.equal(await store.transactions.sweepEnded(now + 1, 10), 1);
    assert.equal(await store.transactions.get('default', 'done'), undefined);
    assert.equal((await store.transactions.get('default', 'open'))?.state, 'open');
  }],

  ['transaction log - a deleted bus takes its transactions and their held events along', async ({ store, clock }) => {
    await store.catalog.buses.create(newBus('gone'));
    await store.transactions.begin({ ...tx('t1'), bus: 'gone' }, clock.now(), 10);
    await store.transactions.hold('gone', 't1', [held('a')], 10);
    await store.catalog.buses.delete('gone');
    assert.equal(await store.transactions.get('gone', 't1'), undefined);
    assert.deepEqual(await store.transactions.held('gone', 't1'), []);
    assert.deepEqual(await store.transactions.claimDue(clock.now() + 10_000, clock.now() + 20_000, 10), []);
    await store.catalog.buses.create(newBus('gone'));
    assert.deepEqual(await store.transactions.hold('gone', 't1', [held('b')], 10), { type: 'not-found' });
  }],

  ['transaction log - a reopened store keeps open transactions, their held events and check-back times', async (c) => {
    const now = c.clock.now();
    await c.store.transactions.begin(tx('t1', 1000), now, 10);
    await c.store.transactions.hold('default', 't1', [held('a'), held('b')], 10);
    const s = await c.reopen();
    const t = await s.transactions.get('default', 't1');
    assert.deepEqual([t?.state, t?.events, t?.nextCheckAt], ['open', 2, now + 1000]);
    assert.deepEqual((await s.transactions.held('default', 't1')).map((e) => e.id), ['a', 'b']);
    assert.deepEqual((await s.transactions.claimDue(now + 1000, now + 2000, 10)).map((x) => x.id), ['t1']);
  }],
];

/** Runs the transaction log's contract against a backend. */
export function runTransactionLogContract(opts: ContractOptions): void {
  runCases('transaction log', opts, cases);
}
