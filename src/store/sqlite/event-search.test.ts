import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/index.js';
import type { AppendItem } from '../types.js';
import { SqliteStore } from './sqlite-store.js';
import { ftsQuery } from './event-search.js';

const open = (clock = new ManualClock()): SqliteStore => new SqliteStore({
  dataDir: ':memory:', durability: 'process', groupCommitMaxEvents: 1000, dedupeWindowMs: 0,
  defaultRetentionMaxAgeMs: 7 * 24 * 3600 * 1000, sweepBatch: 10_000, clock,
});

const item = (id: string, data: unknown, matchedRules: string[] = [], extra: Partial<AppendItem> = {}): AppendItem => {
  const body = JSON.stringify({ specversion: '1.0', id, source: 's', type: 't', data });
  return { bus: 'default', id, source: 's', type: 't', subject: undefined, time: undefined, body, size: body.length, mode: 'structured', matchedRules, ...extra };
};

test('event search - full text finds events by words of their data, all words required', async () => {
  const s = open();
  await s.events.append([item('1', { msg: 'order shipped to Berlin' }), item('2', { msg: 'order cancelled' }), item('3', 'shipped')]);
  const ids = (text: string): string[] => s.observe.search({ bus: 'default', text, limit: 10 }).items.map((e) => e.id);
  assert.deepEqual(ids('shipped'), ['1', '3']);
  assert.deepEqual(ids('order shipped'), ['1']);
  assert.deepEqual(ids('berlin'), ['1']);
  assert.deepEqual(ids('"; DROP'), []);
  await s.close();
});

test('event search - attribute names outside data are not indexed', async () => {
  const s = open();
  await s.events.append([item('1', { a: 1 })]);
  assert.deepEqual(s.observe.search({ bus: 'default', text: 'specversion', limit: 10 }).items, []);
  await s.close();
});

test('event search - deleting events (retention, bus delete) removes them from the index', async () => {
  const clock = new ManualClock();
  const s = open(clock);
  s.buses.create({ name: 'b', retention: { maxAgeMs: null, maxCount: 1 } });
  await s.events.append([{ ...item('1', 'needle'), bus: 'b' }, { ...item('2', 'needle'), bus: 'b' }]);
  s.sweepRetention();
  assert.deepEqual(s.observe.search({ bus: 'b', text: 'needle', limit: 10 }).items.map((e) => e.id), ['2']);
  s.buses.delete('b');
  const left = s.db.prepare("SELECT count(*) AS n FROM events_fts WHERE events_fts MATCH 'needle'").get() as { n: number };
  assert.equal(left.n, 0);
  await s.close();
});

test('event search - rule and matched-any filters, cursor pages in sequence order', async () => {
  const s = open();
  await s.events.append([item('1', 1, ['r1']), item('2', 2), item('3', 3, ['r1', 'r2']), item('4', 4, ['r2'])]);
  const ids = (q: object): string[] => s.observe.search({ bus: 'default', limit: 10, ...q }).items.map((e) => e.id);
  assert.deepEqual(ids({ rule: 'r1' }), ['1', '3']);
  assert.deepEqual(ids({ rule: 'r2' }), ['3', '4']);
  assert.deepEqual(ids({ matchedAny: false }), ['2']);
  assert.deepEqual(ids({ matchedAny: true }), ['1', '3', '4']);
  const p1 = s.observe.search({ bus: 'default', matchedAny: true, limit: 2 });
  assert.deepEqual(p1.items.map((e) => e.id), ['1', '3']);
  assert.equal(p1.next, 3);
  assert.deepEqual(ids({ matchedAny: true, after: p1.next }), ['4']);
  await s.close();
});

test('event search - origin keeps the client address and traceparent of the put', async () => {
  const s = open();
  const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const [o] = await s.events.append([item('1', 1, [], { client: '127.0.0.1', traceparent: tp })]);
  assert.ok(o?.type === 'stored');
  assert.deepEqual(s.observe.origin('default', o.sequence), { client: '127.0.0.1', traceparent: tp });
  assert.equal(s.observe.origin('default', 99), undefined);
  assert.ok(s.observe.sizeBytes() > 0);
  await s.close();
});

test('event search - ftsQuery quotes every word', () => {
  assert.equal(ftsQuery('a "b'), '"a" AND """b"');
  assert.equal(ftsQuery('  '), undefined);
});

test('event search - a NUL in the text separates words instead of reaching FTS5 (where it is an error)', async () => {
  const s = open();
  await s.events.append([item('1', 'alpha beta'), item('2', 'alpha')]);
  assert.equal(ftsQuery('a\u0000b'), '"a" AND "b"');
  assert.equal(ftsQuery('\u0000'), undefined);
  assert.deepEqual(s.observe.search({ bus: 'default', text: 'alpha\u0000beta', limit: 10 }).items.map((e) => e.id), ['1']);
  await s.close();
});

test('event search - backlog counts pending and waiting deliveries per target with the oldest start; finished ones are not counted', () => {
  const s = open();
  const ins = s.db.prepare('INSERT INTO deliveries (bus, seq, event_id, rule, target, grp, state, due_at, first_at, created_at) VALUES (?, 1, ?, ?, ?, NULL, ?, 0, ?, 0)');
  ins.run('a', 'e1', 'r', 't1', 'pending', 500);
  ins.run('a', 'e2', 'r', 't1', 'waiting', 300);
  ins.run('a', 'e3', 'r', 't1', 'delivered', 100);
  ins.run('a', 'e4', 'r', 't1', 'dead', 50);
  ins.run('a', 'e5', 'r', 't2', 'waiting', 700);
  ins.run('b', 'e6', 'r', 't1', 'delivered', 10);
  const rows = s.observe.backlog().map((r) => ({ ...r })).sort((x, y) => `${x.bus}${x.target}`.localeCompare(`${y.bus}${y.target}`));
  assert.deepEqual(rows, [
    { bus: 'a', rule: 'r', target: 't1', pending: 2, oldestPendingAt: 300 },
    { bus: 'a', rule: 'r', target: 't2', pending: 1, oldestPendingAt: 700 },
  ]);
  const plan = s.db.prepare("EXPLAIN QUERY PLAN SELECT bus FROM deliveries WHERE state IN ('waiting', 'dead') AND state = 'waiting'").all() as { detail: string }[];
  assert.match(plan.map((p) => p.detail).join(' '), /deliveries_settled/, 'waiting rows are found through their partial index');
  // Both parts are counted from the indexes alone and grouped in index order (migration 010).
  for (const where of ["state = 'pending'", "state IN ('waiting', 'dead') AND state = 'waiting'"]) {
    const detail = (s.db.prepare(`EXPLAIN QUERY PLAN SELECT bus, rule, target, count(*), min(first_at) FROM deliveries WHERE ${where} GROUP BY bus, rule, target`).all() as { detail: string }[])
      .map((p) => p.detail).join(' | ');
    assert.match(detail, /COVERING INDEX deliveries_(due|settled)/, detail);
    assert.doesNotMatch(detail, /TEMP B-TREE/, detail);
  }
});
