// Function replies (docs/targets.md#function-replies): an http target with `reply` puts a 2xx
// CloudEvent response back on a bus as a new event, traced as caused by the original; a response
// that is not a CloudEvent is ignored and noted on the attempt.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, ce, listAll, until } from './_client.js';
import { startTestServer, type TestServer } from './harness.js';
import { FAST_RETRY, createBus, putEvents, putRule, startReceiver, untilFinal, type Reply } from './_delivery-receiver.js';

let t: TestServer;
before(async () => {
  t = await startTestServer({ delivery: { pollIntervalMs: 50 } });
  await createBus(t.url, 'replies');
});
after(async () => {
  await t.close();
});

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

test('function replies - a structured CloudEvent answer goes on the reply bus with hop count and trace context', async () => {
  const fn = await startReceiver((r) => {
    const ev = JSON.parse(r.body) as { id: string };
    return { status: 200, headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify({ specversion: '1.0', id: `reply-of-${ev.id}`, source: 'urn:fn', type: 'order.priced', data: { price: 9 } }) };
  });
  try {
    await putRule(t.url, 'default', 'price', {
      filter: { pattern: { type: ['order.new'] } },
      targets: [{ id: 'fn', kind: 'http', url: `${fn.url}/price`, mode: 'structured', reply: { bus: 'replies' }, retry: FAST_RETRY }],
    });
    await putEvents(t.url, 'default', [ce('r-1', { type: 'order.new', traceparent: TRACEPARENT })]);
    const tr = await untilFinal(t.url, 'default', 'r-1', 'delivered');
    assert.match(tr.targets[0]!.attempts[0]!.message ?? '', /reply reply-of-r-1 put on bus "replies"/);
    await until('the reply on its bus', async () => (await listAll(t.url, 'replies')).some((e) => e.event.id === 'reply-of-r-1'));
    const ev = (await listAll(t.url, 'replies')).find((e) => e.event.id === 'reply-of-r-1')!.event;
    assert.equal(ev.swyhops, 1);
    assert.equal(ev.traceparent, TRACEPARENT);
    assert.equal(ev.type, 'order.priced');
  } finally {
    await fn.close();
  }
});

test('function replies - a binary-mode answer is a reply too; a plain JSON answer is ignored and noted', async () => {
  const fn = await startReceiver((r): Reply => (r.url.endsWith('/bin')
    ? { status: 200, headers: { 'ce-specversion': '1.0', 'ce-id': 'bin-reply', 'ce-source': 'urn:fn', 'ce-type': 'x.reply', 'content-type': 'application/json' }, body: '{"ok":true}' }
    : { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' }));
  try {
    await putRule(t.url, 'default', 'fns', {
      filter: { pattern: { type: ['fn.call'] } },
      targets: [
        { id: 'bin', kind: 'http', url: `${fn.url}/bin`, reply: { bus: 'replies' }, retry: FAST_RETRY },
        { id: 'plain', kind: 'http', url: `${fn.url}/plain`, reply: { bus: 'replies' }, retry: FAST_RETRY },
      ],
    });
    await putEvents(t.url, 'default', [ce('f-1', { type: 'fn.call' })]);
    const tr = await untilFinal(t.url, 'default', 'f-1', 'delivered');
    const plain = tr.targets.find((x) => x.target === 'plain')!;
    assert.match(plain.attempts[0]!.message ?? '', /not a CloudEvent; ignored/);
    await until('the binary reply on its bus', async () => (await listAll(t.url, 'replies')).some((e) => e.event.id === 'bin-reply'));
  } finally {
    await fn.close();
  }
});

test('function replies - a reply bus that is the system bus is refused when the rule is saved', async () => {
  const a = await call<{ violations: { path: string }[] }>(t.url, '/v1/buses/default/rules/bad-reply', {
    method: 'PUT', json: { filter: { pattern: { type: ['x'] } }, targets: [{ id: 'a', kind: 'http', url: 'http://127.0.0.1:9/x', reply: { bus: 'switchyard.system', extra: 1 } }] },
  });
  assert.equal(a.status, 400, a.text);
  assert.deepEqual(a.json.violations.map((v) => v.path).sort(), ['/targets/0/reply/bus', '/targets/0/reply/extra']);
});
