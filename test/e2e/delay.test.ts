// Delayed events on a server with a ManualClock: stored and readable at once (marked delayed),
// delivered once due and not before; hostile delays refused with problem+json.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/core/index.js';
import { BATCH, STRUCTURED, assertProblem, call, ce } from './_client.js';
import { startTestServer, type TestServer } from './harness.js';
import { putRule, startReceiver, trace, untilFinal, type Receiver } from './_delivery-receiver.js';

const clock = new ManualClock(Date.UTC(2026, 5, 1));
let t: TestServer;
let rx: Receiver;
const DAY = 24 * 3600 * 1000;

before(async () => {
  rx = await startReceiver(() => ({ status: 200 }));
  t = await startTestServer({ delivery: { pollIntervalMs: 20 }, ingest: { maxDelayMs: 2 * DAY } }, { clock });
  await putRule(t.url, 'default', 'delayed', { filter: { pattern: { source: ['urn:delay'] } }, targets: [{ id: 'h', kind: 'http', url: rx.url }] });
});
after(async () => {
  await t.close();
  await rx.close();
});

const sent = (id: string): number => rx.requests.filter((r) => r.headers['ce-id'] === id).length;
const iso = (ms: number): string => new Date(ms).toISOString();

/** Proves the target's worker looked at its queue now: an undelayed event put now is delivered. */
async function probe(id: string): Promise<void> {
  const a = await call(t.url, '/v1/buses/default/events', { body: JSON.stringify(ce(id, { source: 'urn:delay' })), headers: { 'content-type': STRUCTURED } });
  assert.equal(a.status, 202, a.text);
  await untilFinal(t.url, 'default', id, 'delivered');
}

test('delay - an event with deliverat is readable at once, marked delayed, and delivered at its time, not before', async () => {
  const due = clock.now() + 60_000;
  const put = await call(t.url, '/v1/buses/default/events', { body: JSON.stringify(ce('d1', { source: 'urn:delay', deliverat: iso(due) })), headers: { 'content-type': STRUCTURED } });
  assert.equal(put.status, 202, put.text);
  const read = await call<{ event: { deliverat: string }; deliverAt: string }>(t.url, '/v1/buses/default/events/d1');
  assert.equal(read.json.deliverAt, iso(due));
  assert.equal(read.json.event.deliverat, iso(due));
  const listed = await call<{ items: { event: { id: string }; deliverAt?: string }[] }>(t.url, '/v1/buses/default/events?source=urn:delay');
  assert.equal(listed.json.items.find((i) => i.event.id === 'd1')?.deliverAt, iso(due), 'search shows it delayed');
  clock.advance(59_999);
  await probe('p1');
  assert.equal(sent('d1'), 0, 'not delivered 1 ms before its time');
  assert.equal((await trace(t.url, 'default', 'd1')).finalState, 'pending');
  clock.advance(1);
  await untilFinal(t.url, 'default', 'd1', 'delivered');
  assert.equal(sent('d1'), 1);
});

test('delay - a PutEvents entry with delayMs is stored with deliverat and delivered after the delay', async () => {
  const t0 = clock.now();
  const a = await call<{ failedCount: number }>(t.url, '/v1/events', { json: { entries: [{ ...ce('d2', { source: 'urn:delay' }), delayMs: 30_000 }] } });
  assert.equal(a.json.failedCount, 0, a.text);
  const read = await call<{ event: { deliverat: string }; deliverAt: string }>(t.url, '/v1/buses/default/events/d2');
  assert.equal(read.json.event.deliverat, iso(t0 + 30_000));
  clock.advance(29_000);
  await probe('p2');
  assert.equal(sent('d2'), 0);
  clock.advance(1000);
  await untilFinal(t.url, 'default', 'd2', 'delivered');
});

test('delay - a deliverat in the past is delivered at once', async () => {
  const put = await call(t.url, '/v1/buses/default/events', { body: JSON.stringify(ce('d3', { source: 'urn:delay', deliverat: iso(clock.now() - DAY) })), headers: { 'content-type': STRUCTURED } });
  assert.equal(put.status, 202, put.text);
  await untilFinal(t.url, 'default', 'd3', 'delivered');
});

test('delay - hostile delays are refused with a 400 naming the attribute, and nothing is stored', async () => {
  const bad: [string, unknown][] = [
    ['not a time', 'tomorrow'],
    ['no offset', '2026-06-01T10:00:00'],
    ['a number', 12345],
    ['past the limit', iso(clock.now() + 2 * DAY + 1000)],
    ['far past the limit', '9999-12-31T23:59:59Z'],
  ];
  for (const [what, v] of bad) {
    const a = await call(t.url, '/v1/buses/default/events', { body: JSON.stringify(ce(`bad-${what}`, { source: 'urn:delay', deliverat: v })), headers: { 'content-type': STRUCTURED } });
    const p = assertProblem(a, 400, 'SWY_INGEST_INVALID_DELAY');
    assert.equal(p.violations?.[0]?.path, '/deliverat', what);
    assert.equal((await call(t.url, `/v1/buses/default/events/${encodeURIComponent(`bad-${what}`)}`)).status, 404, `${what}: nothing stored`);
  }
  // In a batch: the violation names the event's index, and no event of the batch is stored.
  const batch = await call(t.url, '/v1/buses/default/events', {
    body: JSON.stringify([ce('b-ok', { source: 'urn:delay' }), ce('b-bad', { source: 'urn:delay', deliverat: '9999-12-31T23:59:59Z' })]), headers: { 'content-type': BATCH },
  });
  assert.equal(assertProblem(batch, 400, 'SWY_INGEST_INVALID_DELAY').violations?.[0]?.path, '/1/deliverat');
  assert.equal((await call(t.url, '/v1/buses/default/events/b-ok')).status, 404);
});

test('delay - PutEvents refuses a bad delayMs, or delayMs with deliverat, per entry', async () => {
  const a = await call<{ failedCount: number; results: { error?: { code: string; violations?: { path: string }[] } }[] }>(t.url, '/v1/events', {
    json: {
      entries: [
        { ...ce('e1', { source: 'urn:delay' }), delayMs: -1 },
        { ...ce('e2', { source: 'urn:delay' }), delayMs: 1.5 },
        { ...ce('e3', { source: 'urn:delay' }), delayMs: '10' },
        { ...ce('e4', { source: 'urn:delay' }), delayMs: 3 * DAY },
        { ...ce('e5', { source: 'urn:delay', deliverat: iso(clock.now()) }), delayMs: 10 },
        { ...ce('e6', { source: 'urn:delay', deliverat: '9999-01-01T00:00:00Z' }) },
        { ...ce('e7', { source: 'urn:delay' }), delayMs: 0 },
      ],
    },
  });
  assert.equal(a.json.failedCount, 6, a.text);
  assert.deepEqual(a.json.results.slice(0, 6).map((r) => r.error?.code), Array(6).fill('SWY_INGEST_INVALID_DELAY'));
  assert.equal(a.json.results[0]!.error?.violations?.[0]?.path, '/entries/0/delayMs');
  assert.equal(a.json.results[5]!.error?.violations?.[0]?.path, '/entries/5/deliverat');
});

test('delay - a delay longer than the bus keeps its events is refused', async () => {
  const b = await call(t.url, '/v1/buses', { json: { name: 'short', retention: { maxAgeMs: 3_600_000 } } });
  assert.equal(b.status, 201, b.text);
  const a = await call(t.url, '/v1/buses/short/events', { body: JSON.stringify(ce('s1', { deliverat: iso(clock.now() + 2 * 3_600_000) })), headers: { 'content-type': STRUCTURED } });
  assertProblem(a, 400, 'SWY_INGEST_INVALID_DELAY');
});
