// The PostgreSQL delivery queue beyond the shared contract: times and durations with a fraction
// (measured with performance.now, jittered backoffs) are kept as given, as on SQLite.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../../core/index.js';
import { postgresPortsForFile } from './postgres-test-db.fixture.js';

const clock = new ManualClock();
const ports = postgresPortsForFile(process.env, clock);

test('delivery queue (postgres) - fractional ms in attempts, due times and health round-trip', async () => {
  const key = { bus: 'default', rule: 'r', target: 't' };
  await ports().deliveries.enqueue([{ bus: 'default', seq: 1, eventId: 'e1', deliveries: [{ rule: 'r', target: 't', group: null }] }], clock.now() + 0.25);
  const now = clock.now() + 0.5;
  const [d] = await ports().deliveries.lease(key, now, now + 1000.5, 1);
  assert.ok(d !== undefined);
  const attempt = { at: now + 0.125, durationMs: 1.75, ok: false, status: 503, errorClass: 'http', message: 'busy', response: null };
  assert.equal(await ports().deliveries.complete([{ type: 'retry', id: d.id, lease: d.lease, attempt, dueAt: now + 10.375, error: '503' }], now), 1);
  assert.deepEqual(await ports().deliveries.attempts(d.id), [attempt]);
  assert.equal(await ports().deliveries.nextDue(key), now + 10.375);
  await ports().deliveries.setHealth(key, { failingSince: now + 0.5, disabledAt: null });
  assert.deepEqual(await ports().deliveries.health(key), { failingSince: now + 0.5, disabledAt: null });
});

test('delivery queue (postgres) - a FIFO delivery recorded after a younger one of its group goes first, unless the younger is in flight', async () => {
  const rec = (target: string, seq: number) => ({ bus: 'default', seq, eventId: `e${seq}`, deliveries: [{ rule: 'r', target, group: 'g' }] });
  const now = clock.now();
  // Not leased yet: the older one takes the head back.
  await ports().deliveries.enqueue([rec('fifo1', 5)], now);
  await ports().deliveries.enqueue([rec('fifo1', 3)], now);
  const k1 = { bus: 'default', rule: 'r', target: 'fifo1' };
  const [first] = await ports().deliveries.lease(k1, now, now + 1000, 10);
  assert.equal(first?.seq, 3);
  await ports().deliveries.complete([{ type: 'delivered', id: first!.id, lease: first!.lease, attempt: { at: now, durationMs: 1, ok: true, status: 200, errorClass: null, message: null, response: null } }], now);
  assert.deepEqual((await ports().deliveries.lease(k1, now, now + 1000, 10)).map((d) => d.seq), [5]);
  // Already in flight: the older one waits behind it (order can no longer be kept), and is next.
  await ports().deliveries.enqueue([rec('fifo2', 9)], now);
  const k2 = { bus: 'default', rule: 'r', target: 'fifo2' };
  const [inFlight] = await ports().deliveries.lease(k2, now, now + 1000, 10);
  await ports().deliveries.enqueue([rec('fifo2', 7)], now);
  assert.deepEqual(await ports().deliveries.counts(k2), { pending: 1, inFlight: 1, dead: 0, waiting: 1 });
  await ports().deliveries.complete([{ type: 'delivered', id: inFlight!.id, lease: inFlight!.lease, attempt: { at: now, durationMs: 1, ok: true, status: 200, errorClass: null, message: null, response: null } }], now);
  assert.deepEqual((await ports().deliveries.lease(k2, now, now + 1000, 10)).map((d) => d.seq), [7]);
});
