import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../core/index.js';
import type { AppendItem } from '../types.js';
import { SqliteStore } from './sqlite-store.js';
import { FullTextIndexer, FULL_TEXT_WRITER } from './full-text-indexer.js';
import { sqliteStorageFault } from './storage-fault.js';
import { APPEND_WRITER, WriteHealth } from '../write-health.js';

const open = (dataDir = ':memory:'): SqliteStore => new SqliteStore({
  dataDir, durability: 'process', groupCommitMaxEvents: 1000, dedupeWindowMs: 0,
  defaultRetentionMaxAgeMs: 7 * 24 * 3600 * 1000, sweepBatch: 10_000, clock: new ManualClock(),
});

const item = (id: string, words: string, bus = 'default'): AppendItem => {
  const body = JSON.stringify({ specversion: '1.0', id, source: 's', type: 't', data: { words } });
  return { bus, id, source: 's', type: 't', subject: undefined, time: undefined, body, size: body.length, mode: 'structured', matchedRules: [] };
};

const found = async (s: SqliteStore, text: string, bus = 'default'): Promise<string[]> => (await s.observe.search({ bus, text, limit: 100 })).items.map((e) => e.id);
const indexed = (s: SqliteStore): number => (s.db.prepare('SELECT count(*) AS n FROM events_fts').get() as { n: number }).n;

test('full-text indexer - appends are indexed after the commit, and a text search sees them at once', async () => {
  const s = open();
  await s.events.append([item('1', 'alpha bravo'), item('2', 'bravo charlie')]);
  assert.equal(indexed(s), 0, 'not indexed inside the append');
  assert.deepEqual(await found(s, 'bravo'), ['1', '2'], 'a search indexes first');
  assert.equal(indexed(s), 2);
  await s.events.append([item('3', 'charlie delta')]);
  assert.deepEqual(await found(s, 'charlie'), ['2', '3']);
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
    assert.deepEqual(await found(b, 'golf'), ['2']);
    await b.events.append([item('3', 'golf hotel')]);
    assert.deepEqual(await found(b, 'golf'), ['2', '3']);
    await b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('full-text indexer - deleted before indexing, never found; a reused rowid below the indexed range is indexed at once', async () => {
  const s = open();
  await s.catalog.buses.create({ name: 'b', retention: { maxAgeMs: null, maxCount: null } });
  await s.events.append([item('1', 'india', 'b'), item('2', 'juliett', 'b')]);
  await s.catalog.buses.delete('b'); // deletes the two unindexed rows (the delete trigger meets rows not in the index)
  assert.deepEqual(await found(s, 'india'), []);
  await s.events.append([item('3', 'kilo'), item('4', 'lima')]);
  assert.deepEqual(await found(s, 'lima'), ['4']);
  // Delete the newest, indexed rows: the next append reuses their rowids.
  await s.catalog.buses.create({ name: 'c', retention: { maxAgeMs: null, maxCount: null } });
  await s.events.append([item('5', 'mike', 'c')]);
  assert.deepEqual(await found(s, 'mike', 'c'), ['5']);
  await s.catalog.buses.delete('c');
  await s.events.append([item('6', 'november')]);
  assert.deepEqual(await found(s, 'november'), ['6'], 'reused rowid indexed');
  assert.deepEqual(await found(s, 'mike', 'c'), []);
  await s.close();
});

/** A WriteHealth that counts the failed flushes it is told of, and the log lines it writes. */
function watchedHealth(): { health: WriteHealth; attempts: () => number; lines: { level: string; msg: string; writer?: string }[] } {
  let attempts = 0;
  const lines: { level: string; msg: string; writer?: string }[] = [];
  const at = (level: string) => (obj: object, msg: string): void => {
    lines.push({ level, msg, writer: (obj as { writer?: string }).writer });
  };
  const health = new WriteHealth({
    classify: (err) => {
      attempts++;
      return sqliteStorageFault(err);
    },
    log: { info: at('info'), warn: at('warn'), error: at('error') },
  });
  return { health, attempts: () => attempts, lines };
}

/** Events stored behind the store's back (as by a process that died before indexing them); their rowids. */
function insertUnindexed(s: SqliteStore, n: number): number[] {
  const ins = s.db.prepare("INSERT INTO events (bus, seq, id, source, type, received_at, mode, size, matched, body) VALUES ('default', ?, ?, 's', 't', 0, 'structured', 1, '', ?)");
  const words = (i: number): string => Array.from({ length: 50 }, (_, k) => `w${i}x${k}`).join(' ');
  return Array.from({ length: n }, (_, i) => Number(ins.run(1000 + i, `u${i}`, JSON.stringify({ data: { words: words(i) } })).lastInsertRowid));
}

/** Caps the database at its current size: any write that needs a new page fails with SQLITE_FULL. */
const fill = (s: SqliteStore): void => {
  const pages = s.db.pragma('page_count', { simple: true }) as number;
  s.db.pragma(`max_page_count = ${pages}`);
};
const unfill = (s: SqliteStore): void => void s.db.pragma('max_page_count = 1073741823');

async function until(what: string, pred: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('full-text indexer - a catch-up on a full disk does not throw; it is retried with backoff, logged once, and indexes once space is back', async () => {
  const s = open();
  insertUnindexed(s, 200);
  fill(s);
  const w = watchedHealth();
  const fts = new FullTextIndexer(s.db, { flushDelayMs: 1, maxPending: 1000, health: w.health, retry: { minMs: 1, maxMs: 4 } });
  fts.catchUp(); // threw SQLITE_FULL out of the store's constructor before
  assert.equal(indexed(s), 0);
  assert.equal(w.health.failing(FULL_TEXT_WRITER)?.code, 'SQLITE_FULL');
  await until('three retries', () => w.attempts() >= 4);
  assert.deepEqual(w.lines, [{ level: 'error', msg: 'store writes failing; retrying in the background', writer: FULL_TEXT_WRITER }], 'one line for the whole run of failures');
  unfill(s);
  await until('the retry to index', () => indexed(s) === 200);
  assert.equal(w.health.failing(), undefined);
  assert.deepEqual(w.lines.map((l) => l.msg), ['store writes failing; retrying in the background', 'store writes recovered']);
  fts.close();
  await s.close();
});

test('full-text indexer - the timer flush on a full disk does not throw; appends meanwhile wait for the retry', async () => {
  const s = open();
  const w = watchedHealth();
  const fts = new FullTextIndexer(s.db, { flushDelayMs: 1, maxPending: 3, health: w.health, retry: { minMs: 1, maxMs: 4 } });
  for (const rowid of insertUnindexed(s, 20)) fts.appended(rowid, '{}');
  fill(s);
  fts.committed(); // the timer flush fails: before, its SQLITE_FULL left the timer and ended the process
  await until('the timer flush to fail', () => w.attempts() >= 1);
  const tries = w.attempts();
  fts.committed(); // while failing, commits leave the flush to the retry (no flush per put)
  assert.equal(w.attempts(), tries);
  assert.equal(fts.flush(), false, 'an explicit flush (a text search) reports, never throws');
  assert.equal(indexed(s), 0);
  unfill(s);
  await until('the retry to index', () => indexed(s) === 20);
  assert.equal(fts.upToDate, true);
  assert.equal(w.lines.filter((l) => l.level === 'error').length, 1);
  fts.close();
  await s.close();
});

test('full-text indexer - a text search while indexing fails answers from what is indexed', async () => {
  const s = open();
  await s.events.append([item('1', 'sierra')]);
  assert.deepEqual(await found(s, 'sierra'), ['1']);
  fill(s);
  await assert.rejects(s.events.append([item('2', 'sierra tango '.repeat(2000))]), (e: Error & { code?: string }) => e.code === 'SWY_STORE_UNAVAILABLE');
  assert.equal(s.writes.failing(APPEND_WRITER)?.code, 'SQLITE_FULL');
  assert.deepEqual(await found(s, 'sierra'), ['1'], 'reads keep working');
  unfill(s);
  await s.events.append([item('3', 'sierra')]);
  assert.equal(s.writes.failing(), undefined, 'a successful append clears the put path');
  assert.deepEqual(await found(s, 'sierra'), ['1', '3']);
  await s.close();
});
