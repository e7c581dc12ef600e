// `split` on a target (docs/targets.md#split): one message per array element, each with its own
// delivery id derived from the event's, in order; a failure retries the event's elements.
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

test('split - one request per element, in order, ids derived from the event; a failed element retries the event', async () => {
  let failOnce = true;
  const rx = await startReceiver((r) => {
    if (failOnce && r.headers['ce-id'] === 's-1-1') {
      failOnce = false;
      return { status: 503 };
    }
    return { status: 200 };
  });
  try {
    await putRule(t.url, 'default', 'split', {
      filter: { pattern: { type: ['order.lines'] } },
      targets: [{ id: 'lines', kind: 'http', url: `${rx.url}/line`, split: '$.data.items', retry: FAST_RETRY }],
    });
    await putEvents(t.url, 'default', [ce('s-1', { type: 'order.lines', data: { items: [{ sku: 'a' }, { sku: 'b' }, { sku: 'c' }] } })]);
    const tr = await untilFinal(t.url, 'default', 's-1', 'delivered');
    assert.equal(tr.targets[0]!.attempts.length, 2, 'the failed element failed the first attempt');
    assert.match(tr.targets[0]!.attempts[1]!.message ?? '', /split into 3 message/);
    const got = rx.requests.map((r) => [r.headers['ce-id'], JSON.parse(r.body) as unknown, r.headers['webhook-id']]);
    assert.deepEqual(got.map((g) => g[0]), ['s-1-0', 's-1-1', 's-1-0', 's-1-1', 's-1-2'], 'in order; the retry starts over');
    assert.deepEqual(got.slice(2).map((g) => g[1]), [{ sku: 'a' }, { sku: 'b' }, { sku: 'c' }]);
    assert.match(String(got[2]![2]), /^dlv_\d+-0$/);
    assert.equal(got[0]![2], got[2]![2], 'the same element has the same delivery id on the retry');
  } finally {
    await rx.close();
  }
});

test('split - a path that selects no array is rejected and dead-lettered; a bad path is refused when saved', async () => {
  const rx = await startReceiver(() => ({ status: 200 }));
  try {
    await putRule(t.url, 'default', 'split-none', {
      filter: { pattern: { type: ['order.flat'] } },
      targets: [{ id: 'lines', kind: 'http', url: `${rx.url}/line`, split: '$.data.items', retry: FAST_RETRY }],
    });
    await putEvents(t.url, 'default', [ce('s-2', { type: 'order.flat', data: { items: 'not a list' } })]);
    const tr = await untilFinal(t.url, 'default', 's-2', 'dead');
    assert.equal(tr.targets[0]!.attempts[0]!.errorClass, 'rejected');
    assert.equal(rx.requests.length, 0);
    const bad = await call<{ violations: { path: string }[] }>(t.url, '/v1/buses/default/rules/split-bad', {
      method: 'PUT', json: { filter: { pattern: { type: ['x'] } }, targets: [{ id: 'a', kind: 'log', split: '$..[' }] },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json.violations.map((v) => v.path), ['/targets/0/split']);
  } finally {
    await rx.close();
  }
});
