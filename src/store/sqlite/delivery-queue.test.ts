import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../core/index.js';
import { SqliteStore } from './sqlite-store.js';
import { deadLetterWhere } from './dead-letters.js';

// The queue's behaviour is the delivery queue contract (src/store/contracts, run by
// sqlite-contracts.test.ts); this checks how this backend finds the rows.
const open = (dataDir = ':memory:', clock = new ManualClock()): SqliteStore => new SqliteStore({
  dataDir, durability: 'process', groupCommitMaxEvents: 1000, dedupeWindowMs: 0,
  defaultRetentionMaxAgeMs: 7 * 24 * 3600 * 1000, sweepBatch: 1000, clock, walCheckpointMs: 0,
});

test('delivery queue - opening the data directory ends the leases of the process before (it holds the lock), and tokens stay fresh', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-dq-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const clock = new ManualClock();
  let store = open(dir, clock);
  const body = '{"specversion":"1.0","id":"a","source":"s","type":"t"}';
  await store.events.append([{ bus: 'default', id: 'a', source: 's', type: 't', subject: undefined, time: undefined, body, size: body.length, mode: 'structured', matchedRules: ['r'], deliveries: [{ rule: 'r', target: 't1', group: null }] }]);
  const key = { bus: 'default', rule: 'r', target: 't1' };
  const [old] = await store.deliveries.lease(key, clock.now(), clock.now() + 60_000, 1);
  await store.close();
  store = open(dir, clock);
  try {
    const [again] = await store.deliveries.lease(key, clock.now(), clock.now() + 60_000, 1);
    assert.equal(again?.id, old!.id, 'due at once, not when the old lease would end');
    assert.notEqual(again?.lease, old!.lease);
    assert.equal(await store.deliveries.complete([{ type: 'release', id: old!.id, lease: old!.lease, dueAt: 0 }], clock.now()), 0);
  } finally {
    await store.close();
  }
});

test('delivery queue - dead letters are listed through indexes, never by a scan of every delivery', async () => {
  const store = open();
  const ins = store.db.prepare('INSERT INTO deliveries (bus, seq, event_id, rule, target, grp, state, due_at, first_at, created_at, done_at) VALUES (?, 1, ?, ?, ?, NULL, ?, 0, 0, 0, ?)');
  for (let i = 0; i < 50; i++) ins.run('default', `ok${i}`, 'r', 't1', 'delivered', i);
  ins.run('default', 'd1', 'r', 't1', 'dead', 100);
  ins.run('other', 'd2', 'r', 't2', 'dead', 200);
  ins.run('default', 'w1', 'r', 't1', 'waiting', null);
  const ids = async (f: object, after?: string): Promise<string[]> => (await store.deliveries.listDead(f, 10, after)).items.map((d) => d.eventId);
  assert.deepEqual(await ids({}), ['d1', 'd2']);
  assert.deepEqual(await ids({ bus: 'default' }), ['d1']);
  assert.deepEqual(await ids({ bus: 'other', rule: 'r', target: 't2' }), ['d2']);
  assert.deepEqual(await ids({ from: 150 }), ['d2']);
  const first = await store.deliveries.listDead({}, 1);
  assert.deepEqual(await ids({}, first.next), ['d2']);
  for (const [f, after] of [[{}, undefined], [{}, 5], [{ from: 1, to: 2 }, undefined], [{ bus: 'b' }, undefined], [{ bus: 'b', rule: 'r', target: 't' }, 3]] as const) {
    const w = deadLetterWhere(f);
    const sql = `SELECT id FROM deliveries WHERE ${w.sql}${after === undefined ? '' : ' AND id > ?'} ORDER BY id LIMIT 51`;
    const plan = (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...w.args, ...(after === undefined ? [] : [after])) as { detail: string }[]).map((p) => p.detail).join(' | ');
    assert.match(plan, /deliveries_dead_letters|deliveries_dead |deliveries_settled/, `${JSON.stringify(f)}: ${plan}`);
  }
});
