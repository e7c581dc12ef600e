// The PostgreSQL delivery queue beyond the shared contract: times and durations with a fraction
// (measured with performance.now, jittered backoffs) are kept as given, as on SQLite.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../../core/index.js';
import { openPostgresPorts, type PostgresPorts } from './index.js';
import { dropSchema, freshSchema, requirePostgres, testPostgresUrl } from './postgres-test-db.fixture.js';

const URL = testPostgresUrl(process.env);
const schema = freshSchema();
const clock = new ManualClock();
let ports: PostgresPorts;

before(async () => {
  await requirePostgres(URL);
  ports = await openPostgresPorts({ url: URL, schema, clock, defaultRetentionMaxAgeMs: 864e5, poolSize: 2 });
});
after(async () => {
  await ports?.close();
  await dropSchema(URL, schema);
});

test('delivery queue (postgres) - fractional ms in attempts, due times and health round-trip', async () => {
  const key = { bus: 'default', rule: 'r', target: 't' };
  await ports.deliveries.enqueue([{ bus: 'default', seq: 1, eventId: 'e1', deliveries: [{ rule: 'r', target: 't', group: null }] }], clock.now() + 0.25);
  const now = clock.now() + 0.5;
  const [d] = await ports.deliveries.lease(key, now, now + 1000.5, 1);
  assert.ok(d !== undefined);
  const attempt = { at: now + 0.125, durationMs: 1.75, ok: false, status: 503, errorClass: 'http', message: 'busy', response: null };
  assert.equal(await ports.deliveries.complete([{ type: 'retry', id: d.id, lease: d.lease, attempt, dueAt: now + 10.375, error: '503' }], now), 1);
  assert.deepEqual(await ports.deliveries.attempts(d.id), [attempt]);
  assert.equal(await ports.deliveries.nextDue(key), now + 10.375);
  await ports.deliveries.setHealth(key, { failingSince: now + 0.5, disabledAt: null });
  assert.deepEqual(await ports.deliveries.health(key), { failingSince: now + 0.5, disabledAt: null });
});
