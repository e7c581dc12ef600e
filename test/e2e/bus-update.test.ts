// PATCH /v1/buses/{bus}: description and retention change; events, rules and sequence stay.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertProblem, call, ce } from './_client.js';
import { startTestServer } from './harness.js';
import { putEvents } from './_delivery-receiver.js';

test('bus update - description and retention change (a limit left out keeps its value); events and sequence stay', async () => {
  const t = await startTestServer();
  try {
    await call(t.url, '/v1/buses', { json: { name: 'orders', description: 'old', retention: { maxAgeMs: 3_600_000, maxCount: 100 } } });
    await putEvents(t.url, 'orders', [ce('a'), ce('b')]);
    let r = await call<Record<string, unknown>>(t.url, '/v1/buses/orders', { method: 'PATCH', json: { description: 'new' } });
    assert.equal(r.status, 200);
    assert.deepEqual([r.json.description, r.json.retention, r.json.lastSequence], ['new', { maxAgeMs: 3_600_000, maxCount: 100 }, 2]);
    r = await call(t.url, '/v1/buses/orders', { method: 'PATCH', json: { retention: { maxCount: null } } });
    assert.deepEqual(r.json.retention, { maxAgeMs: 3_600_000, maxCount: null });
    r = await call(t.url, '/v1/buses/orders', { method: 'PATCH', json: { description: null, retention: { maxAgeMs: null, maxCount: 5 } } });
    assert.deepEqual([r.json.description, r.json.retention], [null, { maxAgeMs: null, maxCount: 5 }]);
    assert.deepEqual((await call<Record<string, unknown>>(t.url, '/v1/buses/orders')).json.retention, { maxAgeMs: null, maxCount: 5 });
    assert.equal((await call<{ items: unknown[] }>(t.url, '/v1/buses/orders/events')).json.items.length, 2);
    // The default bus can be described and retained differently too.
    assert.equal((await call(t.url, '/v1/buses/default', { method: 'PATCH', json: { retention: { maxAgeMs: 86_400_000 } } })).status, 200);
  } finally {
    await t.close();
  }
});

test('bus update - hostile bodies are refused with one violation each and change nothing; an unknown bus is a 404', async () => {
  const t = await startTestServer();
  try {
    await call(t.url, '/v1/buses', { json: { name: 'b', description: 'kept' } });
    for (const body of [{}, { name: 'other' }, { description: 'x'.repeat(1025) }, { retention: { maxAgeMs: 10 } }, { retention: { maxCount: 0 } }, { retention: { extra: 1 } }, { description: 7 }]) {
      const r = await call(t.url, '/v1/buses/b', { method: 'PATCH', json: body });
      assert.equal(r.status, 400, JSON.stringify(body));
    }
    assertProblem(await call(t.url, '/v1/buses/nope', { method: 'PATCH', json: { description: 'x' } }), 404, 'SWY_STORE_BUS_NOT_FOUND');
    assert.equal((await call<Record<string, unknown>>(t.url, '/v1/buses/b')).json.description, 'kept');
  } finally {
    await t.close();
  }
});
