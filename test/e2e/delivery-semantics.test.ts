// Per-target delivery semantics (issue 16 item 7, docs/delivery.md): an at-most-once target gets
// one attempt, never retried nor dead-lettered, counted as dropped in the metrics and the trace;
// the default stays at-least-once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertProblem, call, ce } from './_client.js';
import { startTestServer, type TestServer } from './harness.js';
import { FAST_RETRY, createBus, deadLetters, putEvents, putRule, startReceiver, untilFinal, type Receiver } from './_delivery-receiver.js';

let s: TestServer;
let rx: Receiver;
before(async () => {
  s = await startTestServer({ delivery: { pollIntervalMs: 50 } });
  rx = await startReceiver((r) => ({ status: r.url.startsWith('/fail') ? 503 : 200 }));
});
after(async () => {
  await s.close();
  await rx.close();
});

test('at-most-once - a failing target gets one attempt, is not retried nor dead-lettered, and the trace and metrics say dropped', async () => {
  await createBus(s.url, 'amo');
  await putRule(s.url, 'amo', 'r', {
    filter: { pattern: { source: ['urn:e2e'] } },
    targets: [
      { id: 'once', kind: 'http', url: `${rx.url}/fail-once`, delivery: 'at-most-once', retry: FAST_RETRY },
      { id: 'least', kind: 'http', url: `${rx.url}/fail-least`, retry: { ...FAST_RETRY, maxAttempts: 3 } },
      { id: 'ok', kind: 'http', url: `${rx.url}/ok`, delivery: 'at-most-once' },
    ],
  });
  await putEvents(s.url, 'amo', [ce('amo-1')]);
  const t = await untilFinal(s.url, 'amo', 'amo-1', 'dead');
  const by = new Map(t.targets.map((x) => [x.target, x]));
  assert.equal(by.get('once')?.state, 'dropped');
  assert.equal(by.get('once')?.attempts.length, 1);
  assert.equal(by.get('least')?.state, 'dead');
  assert.ok((by.get('least')?.attempts.length ?? 0) > 1, 'the default retries');
  assert.equal(by.get('ok')?.state, 'delivered');
  assert.equal(rx.requests.filter((r) => r.url === '/fail-once').length, 1);
  const dead = await deadLetters(s.url, 'bus=amo');
  assert.deepEqual(dead.map((d) => d.target), ['least'], 'the dropped one is no dead letter');
  const metrics = await call(s.url, '/metrics');
  assert.match(metrics.text, /switchyard_deliveries_total\{bus="amo",rule="r",target="once",outcome="dropped"\} 1/);
});

test('at-most-once - the trace of an event whose only target dropped it ends dropped; bad values are refused', async () => {
  await putRule(s.url, 'amo', 'solo', { filter: { pattern: { type: ['solo'] } }, targets: [{ id: 'once', kind: 'http', url: `${rx.url}/fail-solo`, delivery: 'at-most-once' }] });
  await putEvents(s.url, 'amo', [ce('amo-solo', { type: 'solo', source: 'urn:solo' })]);
  const t = await untilFinal(s.url, 'amo', 'amo-solo', 'dropped');
  assert.equal(t.targets[0]?.state, 'dropped');
  const bad = await call(s.url, '/v1/buses/amo/rules/x', { method: 'PUT', json: { filter: { pattern: { type: ['x'] } }, targets: [{ id: 't', kind: 'http', url: rx.url, delivery: 'exactly-once' }] } });
  const p = assertProblem(bad, 400, 'SWY_API_INVALID_TARGETS');
  assert.ok(p.violations?.some((v) => v.path === '/targets/0/delivery'), bad.text);
  const both = await call(s.url, '/v1/buses/amo/rules/x', { method: 'PUT', json: { filter: { pattern: { type: ['x'] } }, targets: [{ id: 't', kind: 'http', url: rx.url, delivery: 'at-most-once', deadLetter: { kind: 'log' } }] } });
  assert.ok(assertProblem(both, 400, 'SWY_API_INVALID_TARGETS').violations?.some((v) => v.path === '/targets/0/deadLetter'), both.text);
});
