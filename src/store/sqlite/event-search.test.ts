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

test('event search - deleting events (retention, bus delete) leaves no row of theirs in the full-text index', async () => {
  const clock = new ManualClock();
  const s = open(clock);
  await s.catalog.buses.create({ name: 'b', retention: { maxAgeMs: null, maxCount: 1 } });
  await s.events.append([{ ...item('1', 'needle'), bus: 'b' }, { ...item('2', 'needle'), bus: 'b' }]);
  await s.housekeeping.sweepRetention();
  assert.deepEqual((await s.observe.search({ bus: 'b', text: 'needle', limit: 10 })).items.map((e) => e.id), ['2']);
  await s.catalog.buses.delete('b');
  const left = s.db.prepare("SELECT count(*) AS n FROM events_fts WHERE events_fts MATCH 'needle'").get() as { n: number };
  assert.equal(left.n, 0);
  await s.close();
});

// Search behaviour is the observe index contract (src/store/contracts); these check this backend's FTS5 use.
test('event search - ftsQuery quotes every word; a NUL separates words instead of reaching FTS5 (where it is an error)', async () => {
  assert.equal(ftsQuery('a "b'), '"a" AND """b"');
  assert.equal(ftsQuery('  '), undefined);
  assert.equal(ftsQuery('a\u0000b'), '"a" AND "b"');
  assert.equal(ftsQuery('\u0000'), undefined);
});

test('event search - backlog counts pending and waiting deliveries per target with the oldest start; finished ones are not counted', async () => {
  const s = open();
  const ins = s.db.prepare('INSERT INTO deliveries (bus, seq, event_id, rule, target, grp, state, due_at, first_at, created_at) VALUES (?, 1, ?, ?, ?, NULL, ?, 0, ?, 0)');
  ins.run('a', 'e1', 'r', 't1', 'pending', 500);
  ins.run('a', 'e2', 'r', 't1', 'waiting', 300);
  ins.run('a', 'e3', 'r', 't1', 'delivered', 100);
  ins.run('a', 'e4', 'r', 't1', 'dead', 50);
  ins.run('a', 'e5', 'r', 't2', 'waiting', 700);
  ins.run('b', 'e6', 'r', 't1', 'delivered', 10);
  const rows = (await s.observe.backlog()).map((r) => ({ ...r })).sort((x, y) => `${x.bus}${x.target}`.localeCompare(`${y.bus}${y.target}`));
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
