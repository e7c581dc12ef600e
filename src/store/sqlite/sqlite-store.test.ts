import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import DatabaseCtor from 'better-sqlite3';
import { ManualClock, isSwitchyardError } from '../../core/index.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
import { migrations, schemaVersion } from './migrations.js';

const options = (dataDir: string, clock: ManualClock, dedupeWindowMs = 60_000): SqliteStoreOptions => ({
  dataDir,
  durability: 'process',
  groupCommitMaxEvents: 1000,
  dedupeWindowMs,
  defaultRetentionMaxAgeMs: 7 * 24 * 3600 * 1000,
  sweepBatch: 10_000,
  clock,
});

// The shared contracts (events, catalog, deliveries, observe) run in sqlite-contracts.test.ts;
// these cases check what only this backend has: files, WAL, migrations, the directory lock.

test('sqlite store - a reopened file keeps events, sequences and the schema version', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-store-'));
  const clock = new ManualClock();
  const a = new SqliteStore(options(dir, clock));
  await a.events.append([{ bus: 'default', id: '1', source: 's', type: 't', subject: undefined, time: undefined, body: '{}', size: 2, mode: 'binary', matchedRules: [] }]);
  await a.close();
  const b = new SqliteStore(options(dir, clock));
  assert.equal(schemaVersion(b.db), migrations[migrations.length - 1]?.version);
  const [r] = await b.events.append([{ bus: 'default', id: '2', source: 's', type: 't', subject: undefined, time: undefined, body: '{}', size: 2, mode: 'binary', matchedRules: [] }]);
  assert.equal(r?.type === 'stored' && r.sequence, 2);
  assert.equal(b.db.pragma('journal_mode', { simple: true }), 'wal');
  await b.close();
});

test('sqlite store - a database from a newer server is refused', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-store-'));
  const db = new DatabaseCtor(path.join(dir, 'switchyard.db'));
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  db.prepare('INSERT INTO schema_migrations VALUES (999, ?, 0)').run('future');
  db.close();
  assert.throws(() => new SqliteStore(options(dir, new ManualClock())), /newer/);
});

test('sqlite store - a worker thread checkpoints the WAL into the database file', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-store-'));
  const store = new SqliteStore(options(dir, new ManualClock()));
  const items = Array.from({ length: 200 }, (_, i) => ({ bus: 'default', id: `e${i}`, source: 's', type: 't', subject: undefined, time: undefined, body: '{}', size: 2, mode: 'binary' as const, matchedRules: [] }));
  await store.events.append(items);
  // The first checkpoint may have started before the append; the one after it has seen it.
  await store.nextCheckpoint();
  const r = await store.nextCheckpoint();
  assert.ok(r !== undefined && r.log > 0, 'the append wrote WAL frames');
  assert.equal(r.checkpointed, r.log);
  // Another connection reads the events from the file.
  const other = new DatabaseCtor(path.join(dir, 'switchyard.db'), { readonly: true });
  assert.equal((other.prepare("SELECT COUNT(*) AS n FROM events WHERE bus = 'default'").get() as { n: number }).n, 200);
  other.close();
  await store.close();
});

test('sqlite store - each stored event is indexed for full-text search once (after its commit, before any text search)', async () => {
  const store = new SqliteStore(options(':memory:', new ManualClock()));
  const it = (id: string, data: string) => ({ bus: 'default', id, source: 's', type: 't', subject: undefined, time: undefined, body: `{"specversion":"1.0","id":"${id}","data":${data}}`, size: 2, mode: 'binary' as const, matchedRules: [] });
  await store.events.append([it('a', '{"word":"needle"}'), it('a', '{"word":"needle"}'), it('b', '"needle in text"'), it('c', '{"word":"hay"}')]);
  assert.deepEqual((await store.observe.search({ bus: 'default', text: 'needle', limit: 10 })).items.map((e) => e.id), ['a', 'b'], 'a text search indexes what is waiting');
  const hits = (q: string): number[] => (store.db.prepare('SELECT rowid FROM events_fts WHERE events_fts MATCH ? ORDER BY rowid').all(q) as { rowid: number }[]).map((r) => r.rowid);
  const rowids = (store.db.prepare("SELECT rowid FROM events WHERE bus = 'default' ORDER BY seq").all() as { rowid: number }[]).map((r) => r.rowid);
  assert.equal(rowids.length, 3, 'the duplicate is not stored');
  assert.deepEqual(hits('"needle"'), [rowids[0], rowids[1]]);
  assert.deepEqual(hits('"hay"'), [rowids[2]]);
  const triggers = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'").all();
  assert.deepEqual(triggers, [{ name: 'events_fts_delete' }], 'no insert trigger indexes the row a second time');
  await store.close();
});

test('sqlite store - a data directory open in one store is refused to a second, naming the directory and the holder; closing releases it', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-store-'));
  const a = new SqliteStore(options(dir, new ManualClock()));
  assert.throws(() => new SqliteStore(options(dir, new ManualClock())), (e: unknown) => {
    assert.ok(isSwitchyardError(e));
    assert.equal(e.code, 'SWY_STORE_DIR_LOCKED');
    assert.equal(e.message, `data directory ${path.resolve(dir)} is in use by another Switchyard process (pid ${process.pid}); stop it or set another storage.dataDir`);
    return true;
  });
  await a.events.append([{ bus: 'default', id: '1', source: 's', type: 't', subject: undefined, time: undefined, body: '{}', size: 2, mode: 'binary', matchedRules: [] }]);
  await a.close();
  const b = new SqliteStore(options(dir, new ManualClock()));
  assert.equal(await b.events.count('default'), 1);
  await b.close();
});

test('sqlite store - the data directory is created 0700 and its files 0600, whatever the umask', async () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'swy-store-')), 'nested', 'data');
  const old = process.umask(0o022);
  try {
    const store = new SqliteStore(options(dir, new ManualClock()));
    await store.events.append([{ bus: 'default', id: '1', source: 's', type: 't', subject: undefined, time: undefined, body: '{}', size: 2, mode: 'binary', matchedRules: [] }]);
    const mode = (f: string): string => (statSync(path.join(dir, f)).mode & 0o777).toString(8);
    assert.equal(mode('.'), '700');
    const files = readdirSync(dir).sort();
    assert.deepEqual(files, ['switchyard.db', 'switchyard.db-shm', 'switchyard.db-wal', 'switchyard.lock', 'switchyard.pid']);
    assert.deepEqual(files.map(mode), files.map(() => '600'), files.join(', '));
    await store.close();
  } finally {
    process.umask(old);
  }
});
