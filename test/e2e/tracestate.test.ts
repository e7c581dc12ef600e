// W3C trace context to targets: an event's own `tracestate` travels with the delivery's
// `traceparent` (a new span in the event's trace), and only when it belongs to that trace.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ce } from './_client.js';
import { startTestServer } from './harness.js';
import { putEvents, putRule, startReceiver } from './_delivery-receiver.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';

test('trace context - an event\'s tracestate is sent with the attempt\'s traceparent; one of another trace is not', async () => {
  const rx = await startReceiver(() => ({ status: 204 }));
  const t = await startTestServer();
  try {
    await putRule(t.url, 'default', 'traced', { filter: { pattern: { type: ['traced'] } }, targets: [{ id: 'h', kind: 'http', url: rx.url }] });
    await putEvents(t.url, 'default', [
      ce('own', { type: 'traced', traceparent: `00-${TRACE}-b7ad6b7169203331-01`, tracestate: 'vendor=abc,other=1' }),
      ce('none', { type: 'traced', traceparent: `00-${TRACE}-b7ad6b7169203331-01` }),
    ]);
    await rx.until('both deliveries', (r) => r.length === 2);
    const byId = new Map(rx.requests.map((r) => [String(r.headers['ce-id']), r]));
    const own = byId.get('own')!;
    assert.match(String(own.headers.traceparent), new RegExp(`^00-${TRACE}-[0-9a-f]{16}-01$`));
    assert.notEqual(own.headers.traceparent, `00-${TRACE}-b7ad6b7169203331-01`, 'a new span: the delivery');
    assert.equal(own.headers.tracestate, 'vendor=abc,other=1');
    assert.equal(byId.get('none')!.headers.tracestate, undefined);
  } finally {
    await t.close();
    await rx.close();
  }
});
