// The schedule catalog's contract (schedule-types.ts): records kept as given, the fire cursor
// only moving forward, a put moving it to at least the put's time, the change feed announcing
// puts and deletes (never a cursor move), and schedules surviving a reopen.
import assert from 'node:assert/strict';
import type { CatalogChange } from '../change-feed.js';
import type { NewSchedule } from '../schedule-types.js';
import { runCases, type Case, type ContractOptions } from './contract.fixture.js';

const schedule = (name: string, extra: Partial<NewSchedule> = {}): NewSchedule => ({
  name, description: null, bus: 'default', expression: '0 9 * * 1-5', timezone: 'Europe/Berlin',
  event: { type: 'report.due', source: '/scheduler/reports', subject: 'daily', data: { n: [1, 'x', null] } },
  start: null, end: null, flexibleWindowMs: 0, catchUp: 'none', maxCatchUp: 10, state: 'enabled', ...extra,
});

const cases: Case[] = [
  ['schedules - a put is kept as given, with its times, and a replace says so', async ({ store, clock }) => {
    const s = schedule('daily', { start: 1_000, end: 2_000_000_000_000, flexibleWindowMs: 60_000, catchUp: 'all', description: 'reports' });
    const first = await store.catalog.schedules.put(s);
    assert.equal(first.created, true);
    assert.deepEqual(first.schedule, { ...s, cursor: clock.now(), createdAt: clock.now(), updatedAt: clock.now() });
    clock.advance(5);
    const again = await store.catalog.schedules.put({ ...s, state: 'disabled', event: { type: 't', source: 's' } });
    assert.equal(again.created, false);
    assert.deepEqual([again.schedule.state, again.schedule.event, again.schedule.createdAt, again.schedule.updatedAt], ['disabled', { type: 't', source: 's' }, first.schedule.createdAt, clock.now()]);
    assert.deepEqual(await store.catalog.schedules.get('daily'), again.schedule);
    assert.equal(await store.catalog.schedules.get('missing'), undefined);
  }],

  ['schedules - list is ordered by name; delete says whether it removed one', async ({ store }) => {
    for (const n of ['b', 'a', 'c']) await store.catalog.schedules.put(schedule(n));
    assert.deepEqual((await store.catalog.schedules.list()).map((s) => s.name), ['a', 'b', 'c']);
    assert.equal(await store.catalog.schedules.delete('b'), true);
    assert.equal(await store.catalog.schedules.delete('b'), false);
    assert.deepEqual((await store.catalog.schedules.list()).map((s) => s.name), ['a', 'c']);
  }],

  ['schedules - the cursor only moves forward; a put moves it to at least the put time', async ({ store, clock }) => {
    const t0 = clock.now();
    await store.catalog.schedules.put(schedule('s'));
    assert.equal(await store.catalog.schedules.advance('s', t0 + 60_000), true);
    assert.equal(await store.catalog.schedules.advance('s', t0 + 1_000), true);
    assert.equal((await store.catalog.schedules.get('s'))?.cursor, t0 + 60_000);
    // A replace before the cursor keeps it; a later one moves it to the put time.
    clock.advance(10_000);
    await store.catalog.schedules.put(schedule('s', { expression: 'rate(5 minutes)' }));
    assert.equal((await store.catalog.schedules.get('s'))?.cursor, t0 + 60_000);
    clock.advance(100_000);
    await store.catalog.schedules.put(schedule('s', { state: 'disabled' }));
    assert.equal((await store.catalog.schedules.get('s'))?.cursor, clock.now());
    assert.equal(await store.catalog.schedules.advance('missing', t0), false);
  }],

  ['schedules - puts and deletes are announced on the change feed, cursor moves are not', async ({ store }) => {
    const changes: CatalogChange[] = [];
    const stop = store.catalog.watch((c) => changes.push(c));
    await store.catalog.schedules.put(schedule('s'));
    await store.catalog.schedules.advance('s', Date.UTC(2030, 0, 1));
    await store.catalog.schedules.put(schedule('s', { state: 'disabled' }));
    assert.equal(await store.catalog.schedules.delete('missing'), false);
    await store.catalog.schedules.delete('s');
    const expected: CatalogChange[] = [
      { type: 'schedule', op: 'put', name: 's' },
      { type: 'schedule', op: 'put', name: 's' },
      { type: 'schedule', op: 'delete', name: 's' },
    ];
    while (changes.length < expected.length) await new Promise((r) => setImmediate(r));
    // A marker write: anything wrongly announced before it would be listed.
    await store.catalog.connections.put({ name: 'marker', kind: 'basic', description: null, config: {}, sealed: 's' });
    while (changes.length < expected.length + 1) await new Promise((r) => setImmediate(r));
    assert.deepEqual(changes, [...expected, { type: 'connection', op: 'put', name: 'marker' }]);
    stop();
  }],

  ['schedules - a reopened store keeps schedules and their cursors', async ({ store, reopen, clock }) => {
    const s = schedule('kept', { expression: 'at(2030-01-01T00:00:00Z)', catchUp: 'latest' });
    await store.catalog.schedules.put(s);
    await store.catalog.schedules.advance('kept', clock.now() + 42);
    const again = await reopen();
    assert.deepEqual(await again.catalog.schedules.get('kept'), { ...s, cursor: clock.now() + 42, createdAt: clock.now(), updatedAt: clock.now() });
  }],
];

export function runScheduleCatalogContract(opts: ContractOptions): void {
  runCases('schedule catalog', opts, cases);
}
