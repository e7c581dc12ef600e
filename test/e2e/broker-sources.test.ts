// Broker sources against the real brokers of this machine (isolated names, cleaned up): a plain
// message mapped by the generic mapping, a CloudEvent in the binding's binary and structured
// modes taken as it is, a poison message kept in the source's dead letters with the reason
// while the messages behind it go on, and every event stored once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call } from './_client.js';
import { startTestServer } from './harness.js';
import {
  amqpFixture, busEvents, jetStreamFixture, natsCoreFixture, mqttFixture, postgresFixture, redisFixture, suffix, until, type BrokerFixture,
} from './_broker-sources.js';

/** A structured CloudEvent without a type and with an empty id: no binding can take it. */
const POISON = '{"specversion":"1.0","id":"","source":"/test"}';

interface DeadLetters { items: { code: string; reason: string; message: { body: string; origin: string } }[] }

async function exercise(make: () => Promise<BrokerFixture>, opts: { binary: boolean; mapping?: Record<string, unknown> }): Promise<void> {
  const t = await startTestServer();
  const f = await make();
  const bus = `b-${suffix()}`;
  try {
    assert.equal((await call(t.url, '/v1/buses', { json: { name: bus } })).status, 201);
    await call(t.url, '/v1/connections/rabbit', { method: 'PUT', json: { kind: 'basic', username: 'guest', password: 'guest' } });
    const put = await call(t.url, '/v1/sources/src', { method: 'PUT', json: { ...f.settings, bus, ...(opts.mapping === undefined ? {} : { mapping: opts.mapping }) } });
    assert.equal(put.status, 201, put.text);
    // A subscription (MQTT, NOTIFY) takes only what is published once it runs.
    await until(async () => ((await call<{ status: { state: string } }>(t.url, '/v1/sources/src')).json.status.state === 'running'));
    await new Promise((r) => setTimeout(r, 300));
    const structured = JSON.stringify({ specversion: '1.0', id: 'st-1', source: '/test', type: 'test.structured', data: { n: 2 } });
    await f.publish([
      { body: '{"order":1}', contentType: 'application/json' },
      ...(opts.binary ? [{ body: '{"n":1}', contentType: 'application/json', headers: f.binary({ specversion: '1.0', id: 'bin-1', source: '/test', type: 'test.binary' }) }] : []),
      { body: structured, contentType: 'application/cloudevents+json' },
      { body: POISON, contentType: 'application/cloudevents+json' },
      { body: '{"order":2}', contentType: 'application/json' },
    ]);
    const expected = opts.binary ? 4 : 3;
    await until(async () => (await busEvents(t.url, bus)).length >= expected);
    await until(async () => (await call<DeadLetters>(t.url, '/v1/sources/src/dead-letters')).json.items.length >= 1);
    const events = await busEvents(t.url, bus);
    assert.equal(events.length, expected, JSON.stringify(events));
    const mapped = events.filter((e) => e.type === `switchyard.${String(f.settings.kind)}.message`);
    assert.deepEqual(mapped.map((e) => e.data), [{ order: 1 }, { order: 2 }]);
    assert.equal(mapped[0]!.source, '/sources/src');
    if (opts.binary) assert.deepEqual(events.find((e) => e.id === 'bin-1')?.data, { n: 1 });
    assert.deepEqual(events.find((e) => e.id === 'st-1')?.data, { n: 2 });
    const dead = (await call<DeadLetters>(t.url, '/v1/sources/src/dead-letters')).json.items;
    assert.equal(dead.length, 1);
    assert.match(dead[0]!.code, /^SWY_EVENT_/);
    assert.equal(Buffer.from(dead[0]!.message.body, 'base64').toString(), POISON);
    const view = await call<{ counters: { received: number; put: number; rejected: number } }>(t.url, '/v1/sources/src');
    assert.equal(view.json.counters.received, expected + 1);
    assert.equal((await call(t.url, '/v1/sources/src', { method: 'DELETE' })).status, 204);
  } finally {
    await t.close();
    await f.close();
  }
}

test('broker sources - nats-jetstream: mapped, binary, structured, a poison message dead-lettered', () => exercise(() => jetStreamFixture(), { binary: true }));
test('broker sources - nats (core subject): mapped, binary, structured, a poison message dead-lettered', () => exercise(() => natsCoreFixture(), { binary: true }));
test('broker sources - amqp (RabbitMQ): mapped, binary (cloudEvents: properties), structured, a poison message dead-lettered', () => exercise(() => amqpFixture(), { binary: true }));
test('broker sources - redis-streams: mapped, binary (ce- fields), structured, a poison message dead-lettered', () => exercise(() => redisFixture(), { binary: true }));
test('broker sources - mqtt (Mosquitto, MQTT 5): mapped, binary (user properties), structured, a poison message dead-lettered', () => exercise(() => mqttFixture(), { binary: true }));
test('broker sources - postgres-notify: mapped, structured (sniffed), a poison message dead-lettered', () => exercise(() => postgresFixture(), { binary: false }));

test('broker sources cli - sources dead-letters lists a poison message and --purge deletes it', async () => {
  const { runCli } = await import('./_cli-in-process.js');
  const t = await startTestServer();
  const f = await redisFixture();
  try {
    assert.equal((await call(t.url, '/v1/sources/src', { method: 'PUT', json: { ...f.settings, bus: 'default' } })).status, 201);
    await f.publish([{ body: POISON, contentType: 'application/cloudevents+json' }]);
    await until(async () => (await call<DeadLetters>(t.url, '/v1/sources/src/dead-letters')).json.items.length === 1);
    const list = await runCli(t.url, ['sources', 'dead-letters', 'src']);
    assert.equal(list.code, 0, list.err);
    assert.match(list.out, /swy:src:\S+\s.*SWY_EVENT_/);
    const purge = await runCli(t.url, ['sources', 'dead-letters', 'src', '--purge']);
    assert.match(purge.out, /purged 1 dead letters of source src/);
    assert.equal((await call<DeadLetters>(t.url, '/v1/sources/src/dead-letters')).json.items.length, 0);
    assert.equal((await call(t.url, '/v1/sources/missing/dead-letters')).status, 404);
  } finally {
    await t.close();
    await f.close();
  }
});
