import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/index.js';
import { SqliteStore } from './sqlite-store.js';
import { deadLetterWhere } from './dead-letters.js';

// The queue's behaviour is the delivery queue contract (src/store/contracts, run by
// sqlite-contracts.test.ts); this checks how this backend finds the rows.
const open = (): SqliteStore => new SqliteStore({
  dataDir: ':memory:', durability: 'process', groupCommitMaxEvents: 1000, dedupeWindowMs: 0,
  defaultRetentionMaxAgeMs: 7 * 24 * 3600 * 1000, sweepBatch: 1000, clock: new ManualClock(),
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
