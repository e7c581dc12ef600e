import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/index.js';
import { SqliteStore } from './sqlite-store.js';

const open = (): SqliteStore => new SqliteStore({
  dataDir: ':memory:', durability: 'process', groupCommitMaxEvents: 1000, dedupeWindowMs: 60_000,
  defaultRetentionMaxAgeMs: 3_600_000, sweepBatch: 1000, clock: new ManualClock(),
});

test('schema catalog - versions are numbered 1, 2, ... per (name, source) scope', async () => {
  const s = open();
  s.schemas.upsert({ name: 'order.created', source: null });
  s.schemas.upsert({ name: 'order.created', source: 'shop', compatibility: 'NONE' });
  assert.equal(s.schemas.addVersion({ name: 'order.created', source: null, dialect: '2020-12', schema: { type: 'object' }, origin: 'api' }).version, 1);
  assert.equal(s.schemas.addVersion({ name: 'order.created', source: null, dialect: 'draft-07', schema: true, origin: 'discovery' }).version, 2);
  assert.equal(s.schemas.addVersion({ name: 'order.created', source: 'shop', dialect: '2020-12', schema: {}, origin: 'api' }).version, 1);
  assert.equal(s.schemas.get('order.created', null)?.latestVersion, 2);
  assert.equal(s.schemas.get('order.created', null)?.compatibility, 'BACKWARD');
  assert.equal(s.schemas.get('order.created', 'shop')?.compatibility, 'NONE');
  assert.deepEqual(s.schemas.versions('order.created', null).map((v) => [v.version, v.dialect, v.origin]), [[1, '2020-12', 'api'], [2, 'draft-07', 'discovery']]);
  assert.deepEqual(s.schemas.version('order.created', 'shop', 1)?.schema, {});
  assert.equal(s.schemas.list().length, 2);
  assert.equal(s.schemas.delete('order.created', null), true);
  assert.equal(s.schemas.version('order.created', null, 1), undefined);
  assert.equal(s.schemas.get('order.created', 'shop')?.latestVersion, 1);
  await s.close();
});

test('schema catalog - upsert keeps description and mode unless given', async () => {
  const s = open();
  s.schemas.upsert({ name: 'a', source: null, description: 'first', compatibility: 'FULL' });
  const { schema, created } = s.schemas.upsert({ name: 'a', source: null });
  assert.equal(created, false);
  assert.equal(schema.description, 'first');
  assert.equal(schema.compatibility, 'FULL');
  assert.throws(() => s.schemas.addVersion({ name: 'missing', source: null, dialect: '2020-12', schema: {}, origin: 'api' }));
  await s.close();
});

test('schema catalog - bus settings default to off and go away with the bus', async () => {
  const s = open();
  assert.deepEqual(s.schemas.settings('default'), { bus: 'default', validation: 'off', discovery: false, sampleRate: 1 });
  s.buses.create({ name: 'b', retention: { maxAgeMs: null, maxCount: null } });
  assert.deepEqual(s.schemas.setSettings({ bus: 'b', validation: 'warn', discovery: true, sampleRate: 0.5 }), { bus: 'b', validation: 'warn', discovery: true, sampleRate: 0.5 });
  s.buses.delete('b');
  assert.equal(s.schemas.settings('b').validation, 'off');
  await s.close();
});

test('schema catalog - an invalid mark follows its event (deleted with it)', async () => {
  const s = open();
  const [o] = await s.events.append([{ bus: 'default', id: '1', source: 's', type: 't', subject: undefined, time: undefined, body: '{}', size: 2, mode: 'binary', matchedRules: [] }]);
  assert.equal(o?.type, 'stored');
  const seq = o!.type === 'stored' ? o!.sequence : 0;
  s.schemas.markInvalid({ bus: 'default', sequence: seq, schema: 'urn:switchyard:schema:t:1', violations: [{ path: '/data/x', reason: 'must be integer' }] });
  assert.deepEqual(s.schemas.invalid('default', seq)?.violations, [{ path: '/data/x', reason: 'must be integer' }]);
  s.db.prepare('DELETE FROM events WHERE bus = ?').run('default');
  assert.equal(s.schemas.invalid('default', seq), undefined);
  await s.close();
});
