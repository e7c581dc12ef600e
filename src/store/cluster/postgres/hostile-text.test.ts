// Text PostgreSQL cannot hold as is (U+0000 has no place in text or jsonb) in what the new ports
// store: patterns of consumers, archives and replays round-trip exactly; a check-back detail
// quoting a producer's NUL is kept as U+FFFD, and a literal backslash-u0000 stays as written.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../../core/index.js';
import { postgresPortsForFile } from './postgres-test-db.fixture.js';

const clock = new ManualClock();
const ports = postgresPortsForFile(process.env, clock);

const pattern = { source: ['a\u0000b', 'c\\u0000d'], data: { 'k\u0000': [{ prefix: '\u0000' }] } };

test('postgres ports - patterns with U+0000 round-trip exactly (consumers, archives, replays)', async () => {
  const now = clock.now();
  assert.deepEqual((await ports().consumers.create({ bus: 'default', name: 'c', pattern, offset: 0 }, now))?.consumer.pattern, pattern);
  assert.deepEqual((await ports().consumers.get('default', 'c'))?.pattern, pattern);
  await ports().archives.put({ bus: 'default', name: 'a', description: null, pattern, retentionMs: null });
  assert.deepEqual((await ports().archives.get('default', 'a'))?.pattern, pattern);
  await ports().replays.create({ id: 'r1', bus: 'default', fromSeq: 1, toSeq: 1, total: 0, pattern, destination: { rule: 'r' }, ratePerSecond: null, kind: 'replay' }, now);
  assert.deepEqual((await ports().replays.get('r1'))?.pattern, pattern);
});

test('postgres ports - a check-back detail with U+0000 is recorded (as U+FFFD); a literal backslash-u0000 is kept', async () => {
  const now = clock.now();
  await ports().transactions.begin({ bus: 'default', id: 't', checkUrl: null, checkAfterMs: 10 }, now, 10);
  assert.equal(await ports().transactions.recordCheck('default', 't', { type: 'check', at: now, n: 1, answer: 'unknown', detail: 'bad\u0000 \\u0000 \\\u0000' }, now + 10), true);
  const t = await ports().transactions.get('default', 't');
  assert.deepEqual(t?.history.at(-1), { type: 'check', at: now, n: 1, answer: 'unknown', detail: 'bad\uFFFD \\u0000 \\\uFFFD' });
});
