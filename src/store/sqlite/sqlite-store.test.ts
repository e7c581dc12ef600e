import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import DatabaseCtor from 'better-sqlite3';
import { ManualClock } from '../../core/index.js';
import { runStoreContract } from '../store.contract.js';
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

runStoreContract('sqlite', (clock, o) => new SqliteStore(options(':memory:', clock, o.dedupeWindowMs)));

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

test('sqlite store - a database from a newer server is refused', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-store-'));
  const db = new DatabaseCtor(path.join(dir, 'switchyard.db'));
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  db.prepare('INSERT INTO schema_migrations VALUES (999, ?, 0)').run('future');
  db.close();
  assert.throws(() => new SqliteStore(options(dir, new ManualClock())), /newer/);
});
