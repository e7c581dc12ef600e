import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connectAsync, type IPublishPacket, type MqttClient } from 'mqtt';
import { contractMessage, runTargetContract } from '../../targets.contract.js';
import { DEFAULT_POLICY, shouldRetry } from '../../engine/index.js';
import { createEvent } from '../../../events/index.js';
import { createTarget, validateTargetSpec } from '../index.js';
import { testWorld } from '../test-deps.contract.js';
import { eventually, requireService, sendThroughOutage, tcpProxy, uniqueName } from './test-support.contract.js';

const MQTT = 'mqtt://127.0.0.1:1883';
const world = testWorld();
let sub: MqttClient;
const got = new Map<string, IPublishPacket[]>();

before(async () => {
  await requireService('Mosquitto', 1883);
  sub = await connectAsync(MQTT, { protocolVersion: 5, reconnectPeriod: 0 });
  sub.on('message', (topic, _payload, packet) => {
    const root = topic.split('/')[0]!;
    got.set(root, [...(got.get(root) ?? []), packet]);
  });
});
after(async () => {
  await sub.endAsync(true);
  await world.close();
});

/** A unique topic root the subscriber listens under (`<root>/#`). */
async function topicRoot(): Promise<string> {
  const root = uniqueName('swy');
  await sub.subscribeAsync(`${root}/#`, { qos: 1 });
  return root;
}

const idOf = (p: IPublishPacket): string => {
  const up = p.properties?.userProperties?.id;
  return typeof up === 'string' ? up : (JSON.parse(p.payload.toString()) as { id: string }).id;
};

/**
 * What the subscriber got under `root` so far, after a marker round trip: the broker acked the
 * target's messages (PUBACK) before the marker was published, so it forwards them to the
 * subscriber before the marker.
 */
async function receivedUnder(root: string): Promise<string[]> {
  const marker = `marker-${uniqueName('m')}`;
  await sub.publishAsync(`${root}/marker`, JSON.stringify({ id: marker }), { qos: 1 });
  await eventually(() => (got.get(root) ?? []).some((p) => idOf(p) === marker));
  return (got.get(root) ?? []).map(idOf).filter((id) => !id.startsWith('marker-'));
}

{
  let root = '';
  runTargetContract({
    kind: 'mqtt',
    healthy: async () => {
      root ||= await topicRoot();
      return createTarget({ id: 't', kind: 'mqtt', url: MQTT, topic: `${root}/events` }, world.deps());
    },
    failing: async () => createTarget({ id: 't', kind: 'mqtt', url: 'mqtt://127.0.0.1:1', topic: 'x', timeoutMs: 2000 }, world.deps()),
    received: async () => receivedUnder(root),
    cleanup: async () => undefined,
  });
}

test('mqtt - binary mode: attributes as user properties, datacontenttype as Content Type; structured: the JSON event', async () => {
  const root = await topicRoot();
  const bin = createTarget({ id: 't', kind: 'mqtt', url: MQTT, topic: `${root}/b` }, world.deps());
  const str = createTarget({ id: 't', kind: 'mqtt', url: MQTT, topic: `${root}/s`, mode: 'structured' }, world.deps());
  try {
    const ev = createEvent({ id: 'q-1', source: 'urn:s', type: 't.x', extensions: { tenant: 'acme' }, data: { kind: 'json', value: { a: 1 } } });
    const m = { ...contractMessage(), outbound: { type: 'event' as const, event: ev } };
    assert.equal((await bin.send([m], new AbortController().signal)).type, 'delivered');
    assert.equal((await str.send([m], new AbortController().signal)).type, 'delivered');
    await eventually(() => (got.get(root)?.length ?? 0) === 2);
    const b = got.get(root)!.find((p) => p.topic.endsWith('/b'))!;
    const s = got.get(root)!.find((p) => p.topic.endsWith('/s'))!;
    assert.equal(b.qos, 1);
    assert.equal(b.properties?.userProperties?.id, 'q-1');
    assert.equal(b.properties?.userProperties?.specversion, '1.0');
    assert.equal(b.properties?.userProperties?.tenant, 'acme');
    assert.equal(b.properties?.contentType, 'application/json');
    assert.deepEqual(JSON.parse(b.payload.toString()), { a: 1 });
    assert.match(s.properties?.contentType ?? '', /^application\/cloudevents\+json/);
    assert.equal((JSON.parse(s.payload.toString()) as { id: string }).id, 'q-1');
  } finally {
    await bin.close();
    await str.close();
  }
});

test('mqtt - the topic is templated; a rendered wildcard is rejected, not retried', async () => {
  const root = await topicRoot();
  const t = createTarget({ id: 't', kind: 'mqtt', url: MQTT, topic: `${root}/\${dev}`, variables: { dev: '$.data.device' } }, world.deps());
  try {
    const ok = { ...contractMessage(), outbound: { type: 'event' as const, event: createEvent({ id: 'd-1', source: 's', type: 't', data: { kind: 'json', value: { device: 'pump-7' } } }) } };
    assert.equal((await t.send([ok], new AbortController().signal)).type, 'delivered');
    await eventually(() => (got.get(root)?.length ?? 0) === 1);
    assert.equal(got.get(root)![0]!.topic, `${root}/pump-7`);
    const bad = { ...contractMessage(), outbound: { type: 'event' as const, event: createEvent({ id: 'd-2', source: 's', type: 't', data: { kind: 'json', value: { device: '#' } } }) } };
    const o = await t.send([bad], new AbortController().signal);
    assert.equal(o.type === 'failed' && o.errorClass, 'rejected');
  } finally {
    await t.close();
  }
});

test('mqtt - the broker going down mid-load: deliveries fail retryably, reconnect, and nothing is lost', { timeout: 60_000 }, async () => {
  const root = await topicRoot();
  const proxy = await tcpProxy(1883);
  const t = createTarget({ id: 't', kind: 'mqtt', url: `mqtt://127.0.0.1:${proxy.port}`, topic: `${root}/load`, timeoutMs: 2000 }, world.deps());
  try {
    const ms = Array.from({ length: 30 }, () => contractMessage());
    const { failures } = await sendThroughOutage({ proxy, count: ms.length, send: (i) => t.send([ms[i]!], new AbortController().signal), retryable: (o) => shouldRetry(DEFAULT_POLICY, o) });
    assert.ok(failures >= 3, 'the outage was seen');
    await eventually(() => new Set((got.get(root) ?? []).map(idOf)).size >= ms.length);
    const ids = new Set((got.get(root) ?? []).map(idOf));
    for (const m of ms) assert.ok(ids.has(m.eventId), `${m.eventId} arrived`);
  } finally {
    await t.close();
    await proxy.close();
  }
});

test('mqtt - a bad target is refused when the rule is saved, one violation per problem', () => {
  assert.deepEqual(validateTargetSpec({ kind: 'mqtt', url: 'mqtt://u:p@h', topic: 'a/+/b', retain: 'no' }, '').map((x) => x.path).sort(), ['/retain', '/topic', '/url']);
  assert.deepEqual(validateTargetSpec({ kind: 'mqtt', url: 'ws://h', topic: 'a/#' }, '').map((x) => x.path).sort(), ['/topic', '/url']);
});
