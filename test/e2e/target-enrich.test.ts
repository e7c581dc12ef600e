// `enrich` on a target (docs/targets.md#enrich): an HTTP step before the transformer whose JSON
// answer becomes the event's data; its failures are retried and dead-lettered like sends.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, ce } from './_client.js';
import { startTestServer, type TestServer } from './harness.js';
import { FAST_RETRY, putEvents, putRule, startReceiver, untilFinal } from './_delivery-receiver.js';

let t: TestServer;
before(async () => {
  t = await startTestServer({ delivery: { pollIntervalMs: 50 } });
});
after(async () => {
  await t.close();
});

test('enrich - the answer is the data the transformer sees; the enrichment gets the event as stored, signed', async () => {
  const enricher = await startReceiver((r) => {
    const ev = JSON.parse(r.body) as { data: { customer: string } };
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customer: ev.data.customer, tier: 'gold' }) };
  });
  const rx = await startReceiver(() => ({ status: 200 }));
  try {
    await putRule(t.url, 'default', 'enrich-ok', {
      filter: { pattern: { type: ['order.placed'] } },
      targets: [{
        id: 'crm', kind: 'http', url: `${rx.url}/in`, retry: FAST_RETRY,
        enrich: { url: `${enricher.url}/lookup`, timeoutMs: 2000 },
        transform: { type: 'template', variables: { who: '$.data.customer', tier: '$.data.tier' }, template: '{"who": ${who}, "tier": ${tier}}' },
        sendAs: 'body',
      }],
    });
    await putEvents(t.url, 'default', [ce('e-1', { type: 'order.placed', data: { customer: 'c-9', total: 5 } })]);
    await untilFinal(t.url, 'default', 'e-1', 'delivered');
    assert.equal(enricher.requests.length, 1);
    const asked = JSON.parse(enricher.requests[0]!.body) as { id: string; data: unknown };
    assert.equal(enricher.requests[0]!.headers['content-type'], 'application/cloudevents+json; charset=utf-8');
    assert.equal(asked.id, 'e-1');
    assert.deepEqual(asked.data, { customer: 'c-9', total: 5 }, 'the enrichment sees the event as stored');
    assert.ok(enricher.requests[0]!.headers['webhook-signature'] !== undefined || enricher.requests[0]!.headers['webhook-id'] !== undefined, 'sent like a delivery');
    assert.equal(rx.requests.length, 1);
    assert.deepEqual(JSON.parse(rx.requests[0]!.body), { who: 'c-9', tier: 'gold' });
  } finally {
    await enricher.close();
    await rx.close();
  }
});

test('enrich - a failing enrichment is retried; an empty answer sends nothing; an answer that is not JSON or too big is dead-lettered', async () => {
  let failures = 1;
  const enricher = await startReceiver((r) => {
    const ev = JSON.parse(r.body) as { id: string };
    if (ev.id === 'e-2' && failures-- > 0) return { status: 503, body: 'busy' };
    if (ev.id === 'e-3') return { status: 204 };
    if (ev.id === 'e-4') return { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>oops</html>' };
    if (ev.id === 'e-5') return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(300 * 1024) }) };
    return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
  });
  const rx = await startReceiver(() => ({ status: 200 }));
  try {
    await putRule(t.url, 'default', 'enrich-fail', {
      filter: { pattern: { type: ['order.checked'] } },
      targets: [{ id: 'a', kind: 'http', url: `${rx.url}/in`, retry: FAST_RETRY, enrich: { url: `${enricher.url}/x` } }],
    });
    await putEvents(t.url, 'default', [
      ce('e-2', { type: 'order.checked', data: { n: 2 } }),
      ce('e-3', { type: 'order.checked', data: { n: 3 } }),
      ce('e-4', { type: 'order.checked', data: { n: 4 } }),
      ce('e-5', { type: 'order.checked', data: { n: 5 } }),
    ]);
    const two = await untilFinal(t.url, 'default', 'e-2', 'delivered');
    const attempts = two.targets[0]!.attempts;
    assert.equal(attempts.length, 2);
    assert.equal(attempts[0]!.errorClass, 'http');
    assert.equal(attempts[0]!.status, 503);
    assert.match(attempts[0]!.message ?? '', /^enrichment: /);
    const three = await untilFinal(t.url, 'default', 'e-3', 'delivered');
    assert.match(three.targets[0]!.attempts[0]!.message ?? '', /nothing sent/);
    const four = await untilFinal(t.url, 'default', 'e-4', 'dead');
    assert.equal(four.targets[0]!.attempts[0]!.errorClass, 'rejected');
    assert.match(four.targets[0]!.attempts[0]!.message ?? '', /not JSON/);
    const five = await untilFinal(t.url, 'default', 'e-5', 'dead');
    assert.match(five.targets[0]!.attempts[0]!.message ?? '', /over 262144 bytes/);
    const got = rx.requests.map((r) => r.headers['ce-id']);
    assert.deepEqual(got, ['e-2'], 'only the enriched event reached the target');
    assert.deepEqual(JSON.parse(rx.requests[0]!.body), { ok: true }, 'the answer is the data (binary mode body)');
    assert.equal(rx.requests[0]!.headers['content-type'], 'application/json');
  } finally {
    await enricher.close();
    await rx.close();
  }
});

test('enrich - a bad enrich object is refused when the rule is saved, one violation per problem', async () => {
  const bad = await call<{ violations: { path: string }[] }>(t.url, '/v1/buses/default/rules/enrich-bad', {
    method: 'PUT',
    json: {
      filter: { pattern: { type: ['x'] } },
      targets: [
        { id: 'a', kind: 'log', enrich: { url: 'ftp://x', timeoutMs: 0, extra: 1 } },
        { id: 'b', kind: 'log', enrich: 'https://example.com' },
        { id: 'c', kind: 'log', enrich: { url: 'https://example.com/${$.data.x}' } },
      ],
    },
  });
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json.violations.map((v) => v.path).sort(), [
    '/targets/0/enrich/extra', '/targets/0/enrich/timeoutMs', '/targets/0/enrich/url', '/targets/1/enrich', '/targets/2/enrich/url',
  ]);
});
