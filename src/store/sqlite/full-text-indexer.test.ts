import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../core/index.js';
import type { AppendItem } from '../types.js';
import { SqliteStore } from './sqlite-store.js';

const open = (dataDir = ':memory:'): SqliteStore => new SqliteStore({
  dataDir, durability: 'process', groupCommitMaxEvents: 1000, dedupeWindowMs: 0,
  defaultRetentionMaxAgeMs: 7 * 24 * 3600 * 1000, sweepBatch: 10_000, clock: new ManualClock(),
});

const item = (id: string, words: string, bus = 'default'): AppendItem => {
  const body = JSON.stringify({ specversion: '1.0', id, source: 's', type: 't', data: { words } });
  return { bus, id, source: 's', type: 't', subject: undefined, time: undefined, body, size: body.length, mode: 'structured', matchedRules: [] };
};

const found = (s: SqliteStore, text: string, bus = 'default'): string[] => s.observe.search({ bus, text, limit: 100 }).items.map((e) => e.id);
const indexed = (s: SqliteStore): number => (s.db.prepare('SELECT count(*) AS n FROM events_fts').get() as { n: number }).n;

test('full-text indexer - appends are indexed after the commit, and a text search sees them at once', async () => {
  const s = open();
  await s.events.append([item('1', 'alpha bravo'), item('2', 'bravo charlie')]);
  assert.equal(indexed(s), 0, 'not indexed inside the append');
  assert.deepEqual(found(s, 'bravo'), ['1', '2'], 'a search indexes first');
  assert.equal(indexed(s), 2);
  await s.events.append([item('3', 'charlie delta')]);
  assert.deepEqual(found(s, 'charlie'), ['2', '3']);
  await s.close();
});

test('full-text indexer - the timer indexes without a search', async () => {
  const s = open();
  await s.events.append([item('1', 'echo')]);
  const until = Date.now() + 5000;
  while (indexed(s) === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  assert.equal(indexed(s), 1);
  await s.close();
});

test('full-text indexer - events appended but not indexed when the process died are indexed on the next open', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-fts-'));
  try {
    const a = open(dir);
    await a.events.append([item('1', 'foxtrot'), item('2', 'golf')]);
    a.db.close(); // no flush: as if the process were killed
    await a.close(); // (stops its checkpoint worker; with the connection gone nothing is indexed)
    const b = open(dir);
    assert.equal(indexed(b), 2, 'indexed on open');
    assert.deepEqual(found(b, 'golf'), ['2']);
    await b.events.append([item('3', 'golf hotel')]);
    assert.deepEqual(found(b, 'golf'), ['2', '3']);
    await b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('full-text indexer - deleted before indexing, never found; a reused rowid below the indexed range is indexed at once', async () => {
  const s = open();
  s.buses.create({ name: 'b', retention: { maxAgeMs: null, maxCount: null } });
  await s.events.append([item('1', 'india', 'b'), item('2', 'juliett', 'b')]);
  s.buses.delete('b'); // deletes the two unindexed rows (the delete trigger meets rows not in the index)
  assert.deepEqual(found(s, 'india'), []);
  await s.events.append([item('3', 'kilo'), item('4', 'lima')]);
  assert.deepEqual(found(s, 'lima'), ['4']);
  // Delete the newest, indexed rows: the next append reuses their rowids.
  s.buses.create({ name: 'c', retention: { maxAgeMs: null, maxCount: null } });
  await s.events.append([item('5', 'mike', 'c')]);
  assert.deepEqual(found(s, 'mike', 'c'), ['5']);
  s.buses.delete('c');
  await s.events.append([item('6', 'november')]);
  assert.deepEqual(found(s, 'november'), ['6'], 'reused rowid indexed');
  assert.deepEqual(found(s, 'mike', 'c'), []);
  await s.close();
});
