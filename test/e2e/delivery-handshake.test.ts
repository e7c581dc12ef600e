// The CloudEvents webhook validation handshake, sender side: an http target with `handshake`
// sends OPTIONS with WebHook-Request-Origin before its first delivery to a URL, waits (retrying)
// while the receiver does not allow the origin, then delivers, and does not ask again.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { startTestServer } from './harness.js';
import { FAST_RETRY, putEvents, putRule, untilFinal } from './_delivery-receiver.js';

test('delivery handshake - OPTIONS before the first delivery; refused → retried; allowed → delivered, asked once', async () => {
  let allow = false;
  const seen: { method: string; origin: string | undefined }[] = [];
  const rx = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', origin: req.headers['webhook-request-origin'] as string | undefined });
    req.resume();
    req.on('end', () => {
      if (req.method === 'OPTIONS') {
        res.writeHead(200, allow ? { 'webhook-allowed-origin': req.headers['webhook-request-origin'] as string } : {}).end();
      } else {
        res.writeHead(200).end();
      }
    });
  });
  await new Promise<void>((r) => rx.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(rx.address() as AddressInfo).port}/hook`;
  const t = await startTestServer();
  try {
    await putRule(t.url, 'default', 'r', { filter: { pattern: { type: ['t'] } }, targets: [{ id: 'h', kind: 'http', url, handshake: { origin: 'switchyard.test' }, retry: FAST_RETRY, circuitBreaker: { failureThreshold: 10_000 } }] });
    await putEvents(t.url, 'default', [{ specversion: '1.0', id: 'e1', source: '/s', type: 't' }]);
    while (seen.filter((s) => s.method === 'OPTIONS').length < 2) await new Promise((r) => setTimeout(r, 10));
    assert.equal(seen.filter((s) => s.method === 'POST').length, 0, 'nothing delivered while the origin is not allowed');
    assert.equal(seen[0]!.origin, 'switchyard.test');
    allow = true;
    await untilFinal(t.url, 'default', 'e1', 'delivered');
    await putEvents(t.url, 'default', [{ specversion: '1.0', id: 'e2', source: '/s', type: 't' }]);
    await untilFinal(t.url, 'default', 'e2', 'delivered');
    const options = seen.filter((s) => s.method === 'OPTIONS').length;
    const lastOptions = seen.map((s) => s.method).lastIndexOf('OPTIONS');
    assert.ok(seen.slice(lastOptions + 1).every((s) => s.method === 'POST'), 'no OPTIONS after the URL was allowed');
    assert.equal(seen.filter((s) => s.method === 'POST').length, 2);
    assert.ok(options >= 2);
  } finally {
    await t.close();
    await new Promise<void>((r) => rx.close(() => r()));
  }
});
