// The scheduler on a real embedded store and the real put path, on a manual clock: fires across
// daylight-saving changes in two time zones, across a restart, a crash between commit and cursor
// move, two schedulers on one store, catch-up policies and their bound.
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../src/core/index.js';
import { CatalogView, SqliteStore, type NewSchedule, type StoredEvent } from '../../src/store/index.js';
import { IngestService, settledOutcomes, type EventRouter } from '../../src/ingest/index.js';
import { Scheduler, parseSchedule, type FirePut, type ScheduleBody } from '../../src/sources/index.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const noRules: EventRouter = { route: () => [] };
const silent = { info: () => {}, warn: () => {}, error: () => {} };

interface Node {
  readonly store: SqliteStore;
  readonly scheduler: Scheduler;
  readonly ingest: IngestService;
  readonly view: CatalogView;
}

describe('scheduler - on the embedded store', () => {
  let dir: string;
  let clock: ManualClock;
  let nodes: Node[];
  let store: SqliteStore;

  const openStore = (): SqliteStore => new SqliteStore({
    dataDir: dir, durability: 'process', groupCommitMaxEvents: 1000, dedupeWindowMs: 30 * DAY,
    defaultRetentionMaxAgeMs: 365 * DAY, sweepBatch: 1000, clock, walCheckpointMs: 0,
  });

  /** A scheduler on `s` putting through the real ingest service; `wrap` may wrap its put. */
  const startNode = async (s: SqliteStore, wrap: (put: FirePut) => FirePut = (p) => p): Promise<Node> => {
    const view = await CatalogView.open(s.catalog);
    const ingest = new IngestService({ store: s, buses: view, router: noRules, limits: { maxEventBytes: 65_536, maxBatchEvents: 100, maxJsonDepth: 32 } });
    const scheduler = new Scheduler({
      catalog: s.catalog, clock, log: silent, graceMs: MIN, timers: false,
      put: wrap(async (bus, events, origin) => settledOutcomes(await ingest.put(bus, events, origin))),
    });
    await scheduler.start();
    const n = { store: s, scheduler, ingest, view };
    nodes.push(n);
    return n;
  };

  const stopNode = async (n: Node): Promise<void> => {
    await n.scheduler.stop();
    await n.ingest.drain();
    n.view.close();
  };

  const put = async (name: string, body: Partial<ScheduleBody> & { expression: string }): Promise<NewSchedule> => {
    const s = parseSchedule(name, { bus: 'ticks', event: { type: 'tick', source: '/scheduler/test' }, ...body }, { maxEventBytes: 65_536 }, clock.now());
    await store.catalog.schedules.put(s);
    return s;
  };

  /** Moves the clock to `t` and lets every node run its due fires. */
  const runAt = async (t: number): Promise<void> => {
    clock.set(t);
    // Catalog changes are applied by the schedulers in the background: let them settle first.
    await new Promise((r) => setImmediate(r));
    for (const n of nodes) await n.scheduler.runDue();
  };

  const events = async (s: SqliteStore = store): Promise<StoredEvent[]> => (await s.events.list({ bus: 'ticks', limit: 10_000 })).items as StoredEvent[];
  const times = async (s: SqliteStore = store): Promise<string[]> => (await events(s)).map((e) => e.time ?? '');

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'swy-sched-'));
    clock = new ManualClock(Date.parse('2026-03-01T00:00:00Z'));
    nodes = [];
    store = openStore();
    await store.catalog.buses.create({ name: 'ticks', retention: { maxAgeMs: null, maxCount: null } });
  });

  afterEach(async () => {
    for (const n of nodes) await stopNode(n);
    if (store.db.open) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('scheduler - New York 02:30 daily: one event per day through the spring-forward and fall-back days', async () => {
    await startNode(store);
    await put('ny', { expression: '30 2 * * *', timezone: 'America/New_York' });
    // Every 15 minutes from 2026-03-06 to 2026-03-10, then 2026-10-30 to 2026-11-03.
    for (const [from, to] of [['2026-03-06T00:00:00Z', '2026-03-10T00:00:00Z'], ['2026-10-30T00:00:00Z', '2026-11-03T00:00:00Z']] as const) {
      for (let t = Date.parse(from); t <= Date.parse(to); t += 15 * MIN) await runAt(t);
    }
    assert.deepEqual(await times(), [
      '2026-03-06T07:30:00.000Z', '2026-03-07T07:30:00.000Z',
      '2026-03-08T07:00:00.000Z', // 02:30 does not exist: 03:00 EDT, once
      '2026-03-09T06:30:00.000Z',
      '2026-10-30T06:30:00.000Z', '2026-10-31T06:30:00.000Z',
      '2026-11-01T07:30:00.000Z', // 02:30 EST, once
      '2026-11-02T07:30:00.000Z',
    ]);
    const [first] = await events();
    assert.equal(first?.id, 'schedule:ny:2026-03-06T07:30:00.000Z');
    assert.equal(first?.source, '/scheduler/test');
    assert.deepEqual(await store.observe.origin('ticks', first!.sequence), { client: 'schedule:ny', traceparent: null });
  });

  test('scheduler - Berlin 02:30 daily, with a minute-by-minute clock: once on 2026-03-29 and once on 2026-10-25 (02:30 happens twice)', async () => {
    await startNode(store);
    await put('berlin', { expression: '30 2 * * *', timezone: 'Europe/Berlin' });
    for (const [from, to] of [['2026-03-28T22:00:00Z', '2026-03-29T04:00:00Z'], ['2026-10-24T22:00:00Z', '2026-10-25T04:00:00Z']] as const) {
      for (let t = Date.parse(from); t <= Date.parse(to); t += MIN) await runAt(t);
    }
    assert.deepEqual(await times(), ['2026-03-29T01:00:00.000Z', '2026-10-25T00:30:00.000Z']);
  });

  test('scheduler - across a restart: nothing fires twice, fires missed while down follow the policy', async () => {
    const n1 = await startNode(store);
    const t0 = clock.now();
    await put('none', { expression: 'rate(1 hours)' });
    await put('latest', { expression: 'rate(1 hours)', catchUp: 'latest' });
    await put('all', { expression: 'rate(1 hours)', catchUp: 'all', maxCatchUp: 3 });
    for (let h = 1; h <= 2; h++) await runAt(t0 + h * HOUR + 1000);
    const before = (await events()).length;
    assert.equal(before, 6);
    // Down for ten hours and ten minutes: the store closes, a new process opens it.
    await stopNode(n1);
    nodes = [];
    await store.close();
    clock.set(t0 + 12 * HOUR + 10 * MIN);
    store = openStore();
    await startNode(store);
    const after = await events();
    const of = (name: string): string[] => after.filter((e) => e.id.startsWith(`schedule:${name}:`)).map((e) => e.time ?? '');
    const hour = (h: number): string => new Date(t0 + h * HOUR).toISOString();
    assert.deepEqual(of('none'), [hour(1), hour(2)]);
    assert.deepEqual(of('latest'), [hour(1), hour(2), hour(12)]);
    assert.deepEqual(of('all'), [hour(1), hour(2), hour(10), hour(11), hour(12)]);
    // And from there on, on time again, once each.
    await runAt(t0 + 13 * HOUR);
    await runAt(t0 + 13 * HOUR + 30_000);
    assert.equal((await events()).length, after.length + 3);
    assert.equal(new Set((await events()).map((e) => e.id)).size, after.length + 3);
  });

  test('scheduler - a crash between the commit and the cursor move puts the fire again, and the store keeps one', async () => {
    let crash = true;
    const n1 = await startNode(store, (p) => async (bus, evs, origin) => {
      const outcomes = await p(bus, evs, origin);
      if (crash) throw new Error('process died after the commit');
      return outcomes;
    });
    const t0 = clock.now();
    await put('c', { expression: 'rate(5 minutes)' });
    await runAt(t0 + 5 * MIN);
    assert.equal((await events()).length, 1);
    assert.equal((await store.catalog.schedules.get('c'))?.cursor, t0, 'the cursor did not move');
    assert.match(n1.scheduler.status('c')?.lastError ?? '', /process died/);
    crash = false;
    // The retry (after its backoff) puts the same id: a duplicate, the cursor moves.
    await runAt(t0 + 5 * MIN + 2_000);
    assert.equal((await events()).length, 1);
    assert.equal((await store.catalog.schedules.get('c'))?.cursor, t0 + 5 * MIN);
    assert.deepEqual(n1.scheduler.status('c'), { lastFireAt: t0 + 5 * MIN, lastError: 'process died after the commit', fired: 1, skipped: 0 });
  });

  test('scheduler - two schedulers on one store (two nodes) store each fire once', async () => {
    await startNode(store);
    await startNode(store);
    const t0 = clock.now();
    await put('twice', { expression: '*/10 * * * * *' });
    for (let s = 1; s <= 60; s++) await runAt(t0 + s * 1000);
    const evs = await events();
    assert.equal(evs.length, 6);
    assert.equal(new Set(evs.map((e) => e.id)).size, 6);
  });

  test('scheduler - a catch-up storm after 30 days down is bounded by maxCatchUp', async () => {
    const n1 = await startNode(store);
    const t0 = clock.now();
    await put('storm', { expression: '* * * * * *', catchUp: 'all', maxCatchUp: 50 });
    await stopNode(n1);
    nodes = [];
    clock.set(t0 + 30 * DAY);
    await startNode(store);
    // The 50 newest missed fires, and the 61 of the last minute (the misfire grace, 60 s) that
    // still count as on time.
    const evs = await events();
    assert.equal(evs.length, 50 + 61);
    assert.equal(evs[0]?.time, new Date(t0 + 30 * DAY - 110_000).toISOString());
    assert.equal(evs.at(-1)?.time, new Date(t0 + 30 * DAY).toISOString());
    assert.equal((await store.catalog.schedules.get('storm'))?.cursor, t0 + 30 * DAY);
  });

  test('scheduler - a disabled schedule does not fire, and enabling it again puts no fire from before', async () => {
    await startNode(store);
    const t0 = clock.now();
    await put('d', { expression: 'rate(1 minutes)', state: 'disabled', catchUp: 'all', maxCatchUp: 100 });
    await runAt(t0 + 30 * MIN);
    assert.equal((await events()).length, 0);
    await put('d', { expression: 'rate(1 minutes)', catchUp: 'all', maxCatchUp: 100 });
    await runAt(t0 + 30 * MIN + 10_000);
    assert.equal((await events()).length, 0);
    await runAt(t0 + 31 * MIN);
    assert.deepEqual(await times(), [new Date(t0 + 31 * MIN).toISOString()]);
  });

  test('scheduler - changes reach a running scheduler: a replaced expression, a delete, an at() far in the future', async () => {
    const n = await startNode(store);
    const t0 = clock.now();
    await put('x', { expression: 'rate(1 minutes)', event: { type: 'tick', source: '/s', subject: 'a', data: { n: 1 } } });
    await runAt(t0 + MIN);
    await put('x', { expression: 'rate(2 minutes)' });
    await runAt(t0 + 2 * MIN);
    await runAt(t0 + 3 * MIN);
    assert.deepEqual(await times(), [new Date(t0 + MIN).toISOString(), new Date(t0 + 2 * MIN).toISOString()]);
    const [first] = await events();
    assert.deepEqual(JSON.parse(first!.body), {
      specversion: '1.0', id: `schedule:x:${new Date(t0 + MIN).toISOString()}`, source: '/s', type: 'tick', subject: 'a',
      time: new Date(t0 + MIN).toISOString(), datacontenttype: 'application/json', data: { n: 1 },
    });
    await store.catalog.schedules.delete('x');
    await put('far', { expression: 'at(9999-12-31T23:59:59Z)' });
    await runAt(t0 + 10 * MIN);
    assert.equal((await events()).length, 2);
    assert.equal(n.scheduler.status('x'), undefined);
    assert.deepEqual(n.scheduler.status('far'), { lastFireAt: null, lastError: null, fired: 0, skipped: 0 });
  });

  test('scheduler - a fire on a deleted bus is retried with backoff and fires once the bus is back', async () => {
    const n = await startNode(store);
    const t0 = clock.now();
    await put('b', { expression: 'rate(1 minutes)', catchUp: 'latest' });
    await store.catalog.buses.delete('ticks');
    await runAt(t0 + MIN);
    assert.match(n.scheduler.status('b')?.lastError ?? '', /ticks/);
    await store.catalog.buses.create({ name: 'ticks', retention: { maxAgeMs: null, maxCount: null } });
    await runAt(t0 + MIN + 500);
    assert.equal((await events()).length, 0, 'still backing off');
    await runAt(t0 + MIN + 1_000);
    assert.deepEqual(await times(), [new Date(t0 + MIN).toISOString()]);
  });
});
