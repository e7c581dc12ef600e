// Producers on the `cloudevents` npm package (docs/producers.md): the SDK's own httpTransport
// resolves on a 404, so an event put on a misspelt bus is lost without a sign; the documented
// checked transport (docs/examples/cloudevents-producer.ts, run here as written) rejects instead.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { CloudEvent, HTTP, Mode, emitterFor, httpTransport } from 'cloudevents';
import { PutRejected, switchyardEmitter } from '../../docs/examples/cloudevents-producer.js';
import { startTestServer, type TestServer } from './harness.js';
import { call } from './_client.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(async () => {
  await t.close();
});

test('cloudevents sdk - the SDK\'s httpTransport resolves on a 404: the event is lost silently', async () => {
  const emit = emitterFor(httpTransport(`${t.url}/v1/buses/no-such-bus/events`), { binding: HTTP, mode: Mode.BINARY });
  const answer = await emit(new CloudEvent({ source: '/shop', type: 'order.created', data: { id: 1 } })) as { body: string };
  assert.match(answer.body, /SWY_STORE_BUS_NOT_FOUND/, 'resolved, with the 404 only in the body');
});

test('cloudevents sdk - the documented checked transport stores the event (binary and structured) and rejects a refusal with its problem', async () => {
  for (const mode of [Mode.BINARY, Mode.STRUCTURED]) {
    const emit = switchyardEmitter(t.url, 'default', mode);
    const event = new CloudEvent({ source: '/shop', type: 'order.created', data: { id: 42 } });
    const answer = await emit(event) as { status: number };
    assert.equal(answer.status, 202, mode);
    const stored = await call<{ event: { data: unknown } }>(t.url, `/v1/buses/default/events/${event.id}`);
    assert.equal(stored.status, 200, mode);
    assert.deepEqual(stored.json.event.data, { id: 42 });
  }
  await assert.rejects(switchyardEmitter(t.url, 'no-such-bus')(new CloudEvent({ source: '/shop', type: 't' })),
    (e) => e instanceof PutRejected && e.status === 404 && e.problem?.code === 'SWY_STORE_BUS_NOT_FOUND');
  // An event the SDK builds but Switchyard refuses: larger than limits.maxEventBytes.
  const big = new CloudEvent({ source: '/shop', type: 't', data: { s: 'x'.repeat(300 * 1024) } });
  await assert.rejects(switchyardEmitter(t.url, 'default', Mode.STRUCTURED)(big), (e) => e instanceof PutRejected && e.status === 413);
});

test('cloudevents sdk - docs/producers.md shows the example file as it is', () => {
  const doc = readFileSync(new URL('../../docs/producers.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../../docs/examples/cloudevents-producer.ts', import.meta.url), 'utf8');
  assert.ok(doc.includes(`\`\`\`ts\n${example}\`\`\``), 'the code block equals docs/examples/cloudevents-producer.ts');
});
