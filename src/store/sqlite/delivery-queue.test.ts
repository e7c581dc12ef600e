import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/index.js';
import type { AppendItem, TargetKey } from '../index.js';
import type { AttemptRecord, DeliveryEnqueue } from '../delivery-types.js';
import { SqliteStore } from './sqlite-store.js';
import { deadLetterWhere } from './dead-letters.js';

const open = (clock = new ManualClock()): SqliteStore => new SqliteStore({
  dataDir: ':memory:', durability: 'process', groupCommitMaxEvents: 1000, dedupeWindowMs: 0,
  defaultRetentionMaxAgeMs: 7 * 24 * 3600 * 1000, sweepBatch: 1000, clock,
});

const item = (id: string, deliveries: DeliveryEnqueue[], bus = 'default'): AppendItem => ({
  bus, id, source: 's', type: 't', subject: undefined, time: undefined, body: JSON.stringify({ specversion: '1.0', id, source: 's', type: 't' }),
  size: 10, mode: 'structured', matchedRules: [...new Set(deliveries.map((d) => d.rule))], deliveries,
});

const key: TargetKey = { bus: 'default', rule: 'r', target: 't1' };
const ok = (at: number): AttemptRecord => ({ at, durationMs: 1, ok: true, status: 200, errorClass: null, message: null, response: null });
const fail = (at: number): AttemptRecord => ({ at, durationMs: 1, ok: false, status: 503, errorClass: 'http', message: '503', response: 'busy' });

test('delivery queue - deliveries commit with their event and are announced after the commit', async () => {
  const store = open();
  const seen: TargetKey[][] = [];
  store.deliveries.onEnqueue((k) => seen.push([...k]));
  await store.events.append([item('a', [{ rule: 'r', target: 't1', group: null }, { rule: 'r', target: 't2', group: null }])]);
  assert.equal(seen.length, 1);
  assert.deepEqual(seen[0]!.map((k) => k.target).sort(), ['t1', 't2']);
  const leased = store.deliveries.lease(key, Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1) + 30_000, 10);
  assert.equal(leased.length, 1);
  assert.equal(leased[0]!.eventId, 'a');
  assert.match(leased[0]!.eventBody!, /"id":"a"/);
  await store.close();
});

test('delivery queue - an item refused by the append (missing bus) enqueues nothing', async () => {
  const store = open();
  const out = await store.events.append([item('x', [{ rule: 'r', target: 't1', group: null }], 'nope')]);
  assert.equal(out[0]!.type, 'rejected');
  assert.deepEqual(store.deliveries.activeTargets(), []);
  await store.close();
});

test('delivery queue - a lease hides a delivery until it expires, so a crash re-delivers it', async () => {
  const clock = new ManualClock();
  const store = open(clock);
  await store.events.append([item('a', [{ rule: 'r', target: 't1', group: null }])]);
  const now = clock.now();
  assert.equal(store.deliveries.lease(key, now, now + 1000, 10).length, 1);
  assert.equal(store.deliveries.lease(key, now + 999, now + 2000, 10).length, 0);
  assert.equal(store.deliveries.lease(key, now + 1000, now + 2000, 10).length, 1);
  assert.equal(store.deliveries.releaseLeases(now + 1001), 1);
  assert.equal(store.deliveries.lease(key, now + 1001, now + 5000, 10).length, 1);
  await store.close();
});

test('delivery queue - a FIFO group has one pending delivery; finishing it promotes the next in bus order', async () => {
  const clock = new ManualClock();
  const store = open(clock);
  const g = (id: string, group: string): AppendItem => item(id, [{ rule: 'r', target: 't1', group }]);
  await store.events.append([g('a1', 'A'), g('b1', 'B'), g('a2', 'A'), g('a3', 'A')]);
  const now = clock.now();
  const first = store.deliveries.lease(key, now, now + 1000, 10);
  assert.deepEqual(first.map((d) => d.eventId), ['a1', 'b1']);
  assert.deepEqual(store.deliveries.counts(key), { pending: 2, waiting: 2, dead: 0 });
  store.deliveries.complete([{ type: 'retry', id: first[0]!.id, attempt: fail(now), dueAt: now + 10, error: '503' }], now);
  assert.deepEqual(store.deliveries.lease(key, now + 5, now + 1000, 10), [], 'a failing head blocks its group');
  const again = store.deliveries.lease(key, now + 10, now + 1000, 10);
  assert.deepEqual(again.map((d) => [d.eventId, d.attempts]), [['a1', 1]]);
  store.deliveries.complete([{ type: 'delivered', id: again[0]!.id, attempt: ok(now + 10) }], now + 10);
  assert.deepEqual(store.deliveries.lease(key, now + 10, now + 1000, 10).map((d) => d.eventId), ['a2']);
  await store.close();
});

test('delivery queue - a dead letter keeps event, payload and every attempt; redrive gives a fresh budget; purge deletes', async () => {
  const clock = new ManualClock();
  const store = open(clock);
  await store.events.append([item('a', [{ rule: 'r', target: 't1', group: null }])]);
  const now = clock.now();
  const [d] = store.deliveries.lease(key, now, now + 1000, 1);
  store.deliveries.complete([{ type: 'retry', id: d!.id, attempt: fail(now), dueAt: now, error: '503' }], now);
  store.deliveries.lease(key, now, now + 1000, 1);
  store.deliveries.complete([{ type: 'dead', id: d!.id, attempt: fail(now + 1), reason: 'gave up: 503', payload: '{"x":1}', forwardTo: 't1#dead-letter' }], now + 1);
  const page = store.deliveries.listDead({ bus: 'default', target: 't1' }, 10);
  assert.equal(page.items.length, 1);
  const dl = store.deliveries.getDead(d!.id)!;
  assert.equal(dl.lastError, 'gave up: 503');
  assert.equal(dl.payload, '{"x":1}');
  assert.match(dl.event!, /"id":"a"/);
  assert.equal(dl.attemptLog.length, 2);
  assert.equal(dl.attemptLog[1]!.response, 'busy');
  const forwarded = store.deliveries.lease({ ...key, target: 't1#dead-letter' }, now + 1, now + 1000, 10);
  assert.equal(forwarded.length, 1, 'the dead-letter target gets a copy');
  assert.equal(store.deliveries.listDead({ rule: 'other' }, 10).items.length, 0);
  assert.equal(store.deliveries.redrive({ ids: [d!.id] }, now + 2), 1);
  const back = store.deliveries.lease(key, now + 2, now + 1000, 1);
  assert.deepEqual(back.map((x) => x.attempts), [0]);
  store.deliveries.complete([{ type: 'dead', id: d!.id, attempt: null, reason: 'x', payload: null }], now + 3);
  assert.equal(store.deliveries.purge({ bus: 'default' }), 1);
  assert.equal(store.deliveries.getDead(d!.id), undefined);
  await store.close();
});

test('delivery queue - dead letters are listed through indexes, never by a scan of every delivery', () => {
  const store = open();
  const ins = store.db.prepare('INSERT INTO deliveries (bus, seq, event_id, rule, target, grp, state, due_at, first_at, created_at, done_at) VALUES (?, 1, ?, ?, ?, NULL, ?, 0, 0, 0, ?)');
  for (let i = 0; i < 50; i++) ins.run('default', `ok${i}`, 'r', 't1', 'delivered', i);
  ins.run('default', 'd1', 'r', 't1', 'dead', 100);
  ins.run('other', 'd2', 'r', 't2', 'dead', 200);
  ins.run('default', 'w1', 'r', 't1', 'waiting', null);
  const ids = (f: object, after?: number): string[] => store.deliveries.listDead(f, 10, after).items.map((d) => d.eventId);
  assert.deepEqual(ids({}), ['d1', 'd2']);
  assert.deepEqual(ids({ bus: 'default' }), ['d1']);
  assert.deepEqual(ids({ bus: 'other', rule: 'r', target: 't2' }), ['d2']);
  assert.deepEqual(ids({ from: 150 }), ['d2']);
  const first = store.deliveries.listDead({}, 1);
  assert.deepEqual(ids({}, first.next), ['d2']);
  for (const [f, after] of [[{}, undefined], [{}, 5], [{ from: 1, to: 2 }, undefined], [{ bus: 'b' }, undefined], [{ bus: 'b', rule: 'r', target: 't' }, 3]] as const) {
    const w = deadLetterWhere(f);
    const sql = `SELECT id FROM deliveries WHERE ${w.sql}${after === undefined ? '' : ' AND id > ?'} ORDER BY id LIMIT 51`;
    const plan = (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...w.args, ...(after === undefined ? [] : [after])) as { detail: string }[]).map((p) => p.detail).join(' | ');
    assert.match(plan, /deliveries_dead_letters|deliveries_dead |deliveries_settled/, `${JSON.stringify(f)}: ${plan}`);
  }
});
