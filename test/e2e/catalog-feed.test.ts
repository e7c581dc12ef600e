// The catalog's change feed end to end: catalog writes made by a direct store call (no HTTP, as
// a sync from another node or the CLI's future local mode would make them) reach the rule
// router, the dispatcher, system events and the schema registry. The dispatcher's tick is set to
// its longest (60 s), so nothing here can be picked up by polling.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertProblem, call, ce, listAll, until } from './_client.js';
import { startTestServer, type TestServer } from './harness.js';
import { putEvents, startReceiver, type Receiver } from './_delivery-receiver.js';
import type { Store } from '../../src/store/index.js';

let t: TestServer;
let store: Store;
let a: Receiver;
let b: Receiver;
before(async () => {
  t = await startTestServer({ delivery: { pollIntervalMs: 60_000, shutdownGraceMs: 50 } });
  store = t.server.store;
  a = await startReceiver(() => ({ status: 204 }));
  b = await startReceiver(() => ({ status: 204 }));
});
after(async () => {
  await t.close();
  await a.close();
  await b.close();
});

const matched = async (id: string): Promise<string[]> => {
  const r = await call<{ matchedRules: string[] }>(t.url, `/v1/buses/default/events/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.json.matchedRules;
};

const rule = (url: string, state: 'enabled' | 'disabled' = 'enabled') => ({
  bus: 'default', name: 'direct', description: null, state,
  filter: { pattern: { type: ['direct'] } },
  targets: [{ id: 'h', kind: 'http' as const, url, retry: { baseMs: 10, capMs: 20 } }],
});

test('change feed - a rule written by a direct store call routes the next put and reaches the dispatcher, system events follow', async () => {
  await store.catalog.rules.put(rule(`${a.url}/one`));
  await putEvents(t.url, 'default', [ce('d1', { type: 'direct' })]);
  assert.deepEqual(await matched('d1'), ['direct']);
  await a.until('d1 delivered to a', (r) => r.some((q) => q.headers['ce-id'] === 'd1'));

  // The target's URL changes: its worker is rebuilt at once (a 60 s tick would still send to a).
  await store.catalog.rules.put(rule(`${b.url}/two`));
  await putEvents(t.url, 'default', [ce('d2', { type: 'direct' })]);
  await b.until('d2 delivered to b', (r) => r.some((q) => q.headers['ce-id'] === 'd2'));
  assert.equal(a.requests.some((q) => q.headers['ce-id'] === 'd2'), false);

  await store.catalog.rules.put(rule(`${b.url}/two`, 'disabled'));
  await putEvents(t.url, 'default', [ce('d3', { type: 'direct' })]);
  assert.deepEqual(await matched('d3'), []);

  assert.equal((await store.catalog.rules.delete('default', 'direct')), true);
  await putEvents(t.url, 'default', [ce('d4', { type: 'direct' })]);
  assert.deepEqual(await matched('d4'), []);

  const want = ['switchyard.rule.created enabled', 'switchyard.rule.changed enabled', 'switchyard.rule.changed disabled', 'switchyard.rule.deleted -'];
  const seen = async (): Promise<string[]> => (await listAll(t.url, 'switchyard.system'))
    .filter((e) => e.event['subject'] === 'buses/default/rules/direct')
    .map((e) => `${String(e.event['type'])} ${String((e.event['data'] as { state?: string }).state ?? '-')}`);
  await until('four rule system events', async () => (await seen()).length === want.length);
  assert.deepEqual(await seen(), want);
});

test('change feed - a bus deleted by a direct store call takes its queued deliveries with it; its rule routes nothing more', async () => {
  const held = await startReceiver(() => ({ hang: 60_000 }));
  try {
    await store.catalog.buses.create({ name: 'gone', retention: { maxAgeMs: null, maxCount: null } });
    await store.catalog.rules.put({ ...rule(`${held.url}/h`), bus: 'gone', targets: [{ id: 'h', kind: 'http', url: `${held.url}/h`, concurrency: 1 }] });
    await putEvents(t.url, 'gone', [ce('g1', { type: 'direct' }), ce('g2', { type: 'direct' })]);
    await held.until('g1 in flight', (r) => r.length === 1);
    const key = { bus: 'gone', rule: 'direct', target: 'h' };
    const c = await store.deliveries.counts(key);
    assert.equal(c.pending + c.inFlight, 2, 'g1 in flight, g2 leased ahead or pending');
    await store.catalog.buses.delete('gone');
    // Its events are gone, so are the deliveries that point at them (a recreated bus numbers
    // from 1 again and must not inherit them): nothing pending, nothing dead.
    assert.deepEqual([(await store.deliveries.counts(key)).pending, (await store.deliveries.counts(key)).dead], [0, 0]);
    assertProblem(await call(t.url, '/v1/buses/gone/events', { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(ce('g3', { type: 'direct' })) }), 404, 'SWY_STORE_BUS_NOT_FOUND');
    // Recreated, the bus starts empty: the old rule's target gets nothing of it.
    await store.catalog.buses.create({ name: 'gone', retention: { maxAgeMs: null, maxCount: null } });
    assert.deepEqual([(await store.deliveries.counts(key)).pending, (await store.deliveries.counts(key)).dead], [0, 0]);
  } finally {
    await held.close();
  }
});

test('change feed - a schema and enforce settings written by a direct store call apply to the next put', async () => {
  await store.catalog.schemas.upsert({ name: 'feed.order', source: null });
  await store.catalog.schemas.addVersion({ name: 'feed.order', source: null, dialect: '2020-12', origin: 'api', schema: { type: 'object', required: ['amount'], properties: { amount: { type: 'number' } } } });
  await putEvents(t.url, 'default', [ce('s0', { type: 'feed.order', data: { amount: 'x' } })]);
  await store.catalog.schemas.setSettings({ bus: 'default', validation: 'enforce', discovery: false, sampleRate: 1 });
  try {
    const bad = await call(t.url, '/v1/buses/default/events', { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(ce('s1', { type: 'feed.order', data: { amount: 'x' } })) });
    assertProblem(bad, 400, 'SWY_SCHEMA_VALIDATION_FAILED');
    // A version 2 written directly (amount may be a string now) is the one applied next.
    await store.catalog.schemas.addVersion({ name: 'feed.order', source: null, dialect: '2020-12', origin: 'api', schema: { type: 'object', required: ['amount'], properties: { amount: { type: ['number', 'string'] } } } });
    await putEvents(t.url, 'default', [ce('s2', { type: 'feed.order', data: { amount: 'x' } })]);
  } finally {
    await store.catalog.schemas.setSettings({ bus: 'default', validation: 'off', discovery: false, sampleRate: 1 });
  }
});
