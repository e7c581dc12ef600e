import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { contractMessage, runTargetContract } from '../../targets.contract.js';
import { DEFAULT_POLICY, shouldRetry } from '../../engine/index.js';
import { createEvent } from '../../../events/index.js';
import { createTarget, validateTargetSpec } from '../index.js';
import { testWorld } from '../test-deps.contract.js';
import { eventually, requireService, sendThroughOutage, tcpProxy, uniqueName } from './test-support.contract.js';

const AMQP = 'amqp://127.0.0.1:5672';
const world = testWorld();
let model: ChannelModel;
let ch: Channel;

before(async () => {
  await requireService('RabbitMQ', 5672);
  model = await connect('amqp://guest:guest@127.0.0.1:5672');
  ch = await model.createChannel();
  // RabbitMQ's default user; the targets get it through a basic connection
  world.vault.put('rabbit', { kind: 'basic', username: 'guest', password: 'guest' });
});
after(async () => {
  await model.close();
  await world.close();
});

/** A fresh topic exchange with an exclusive queue bound for everything; the messages it got. */
async function sink(): Promise<{ exchange: string; messages: ConsumeMessage[] }> {
  const exchange = uniqueName('swy-ex');
  await ch.assertExchange(exchange, 'topic', { autoDelete: true });
  const q = await ch.assertQueue('', { exclusive: true });
  await ch.bindQueue(q.queue, exchange, '#');
  const messages: ConsumeMessage[] = [];
  await ch.consume(q.queue, (m) => {
    if (m !== null) messages.push(m);
  }, { noAck: true });
  return { exchange, messages };
}

const ids = (ms: readonly ConsumeMessage[]): string[] => ms.map((m) => String(m.properties.headers?.['cloudEvents:id'] ?? (JSON.parse(m.content.toString()) as { id: string }).id));

{
  let s: Awaited<ReturnType<typeof sink>> | undefined;
  runTargetContract({
    kind: 'amqp',
    healthy: async () => {
      s ??= await sink();
      return createTarget({ id: 't', kind: 'amqp', url: AMQP, connection: 'rabbit', exchange: s.exchange, routingKey: 'orders.created' }, world.deps());
    },
    failing: async () => createTarget({ id: 't', kind: 'amqp', url: 'amqp://127.0.0.1:1', connection: 'rabbit', exchange: 'x', routingKey: 'k', timeoutMs: 2000 }, world.deps()),
    received: async () => {
      const n = s?.messages.length ?? 0;
      // confirms can precede the consumer's delivery: give the queue a moment to hand over
      await new Promise((r) => setTimeout(r, n === 0 ? 0 : 50));
      return ids(s?.messages ?? []);
    },
    cleanup: async () => undefined,
  });
}

test('amqp - binary mode: cloudEvents: properties, datacontenttype as content-type, delivery id as message-id; structured: the JSON event', async () => {
  const s = await sink();
  const bin = createTarget({ id: 't', kind: 'amqp', url: AMQP, connection: 'rabbit', exchange: s.exchange, routingKey: 'b' }, world.deps());
  const str = createTarget({ id: 't', kind: 'amqp', url: AMQP, connection: 'rabbit', exchange: s.exchange, routingKey: 's', mode: 'structured', persistent: false }, world.deps());
  try {
    const ev = createEvent({ id: 'a-1', source: 'urn:s', type: 't.x', time: '2026-01-01T00:00:00Z', extensions: { tenant: 'acme' }, data: { kind: 'json', value: { a: 1 } } });
    const m = { ...contractMessage(), outbound: { type: 'event' as const, event: ev } };
    assert.equal((await bin.send([m], new AbortController().signal)).type, 'delivered');
    assert.equal((await str.send([m], new AbortController().signal)).type, 'delivered');
    await eventually(() => s.messages.length === 2);
    const [b, st] = [s.messages.find((x) => x.fields.routingKey === 'b')!, s.messages.find((x) => x.fields.routingKey === 's')!];
    assert.equal(b.properties.headers?.['cloudEvents:id'], 'a-1');
    assert.equal(b.properties.headers?.['cloudEvents:specversion'], '1.0');
    assert.equal(b.properties.headers?.['cloudEvents:time'], '2026-01-01T00:00:00Z');
    assert.equal(b.properties.headers?.['cloudEvents:tenant'], 'acme');
    assert.equal(b.properties.contentType, 'application/json');
    assert.equal(b.properties.messageId, m.deliveryId);
    assert.equal(b.properties.deliveryMode, 2);
    assert.deepEqual(JSON.parse(b.content.toString()), { a: 1 });
    assert.match(st.properties.contentType as string, /^application\/cloudevents\+json/);
    assert.equal(st.properties.headers?.['cloudEvents:id'], undefined);
    assert.equal((JSON.parse(st.content.toString()) as { id: string }).id, 'a-1');
  } finally {
    await bin.close();
    await str.close();
  }
});

test('amqp - the routing key is templated from the event', async () => {
  const s = await sink();
  const t = createTarget({ id: 't', kind: 'amqp', url: AMQP, connection: 'rabbit', exchange: s.exchange, routingKey: 'orders.${kind}', variables: { kind: '$.type' } }, world.deps());
  try {
    const m = { ...contractMessage(), outbound: { type: 'event' as const, event: createEvent({ id: 'k-1', source: 's', type: 'created' }) } };
    assert.equal((await t.send([m], new AbortController().signal)).type, 'delivered');
    await eventually(() => s.messages.length === 1);
    assert.equal(s.messages[0]!.fields.routingKey, 'orders.created');
  } finally {
    await t.close();
  }
});

test('amqp - a missing exchange fails as config (not retried), and the target recovers once it exists', async () => {
  const exchange = uniqueName('swy-missing');
  const t = createTarget({ id: 't', kind: 'amqp', url: AMQP, connection: 'rabbit', exchange, routingKey: 'k' }, world.deps());
  try {
    const o = await t.send([contractMessage()], new AbortController().signal);
    assert.equal(o.type, 'failed');
    assert.equal(o.type === 'failed' && o.errorClass, 'config', JSON.stringify(o));
    assert.match(o.type === 'failed' ? o.message : '', /NOT_FOUND/);
    await ch.assertExchange(exchange, 'topic', { autoDelete: false });
    assert.equal((await t.send([contractMessage()], new AbortController().signal)).type, 'delivered');
  } finally {
    await ch.deleteExchange(exchange);
    await t.close();
  }
});

test('amqp - mandatory: a message no queue is bound for fails as rejected', async () => {
  const exchange = uniqueName('swy-unbound');
  await ch.assertExchange(exchange, 'direct', { autoDelete: false });
  const t = createTarget({ id: 't', kind: 'amqp', url: AMQP, connection: 'rabbit', exchange, routingKey: 'nobody', mandatory: true }, world.deps());
  try {
    const o = await t.send([contractMessage()], new AbortController().signal);
    assert.equal(o.type === 'failed' && o.errorClass, 'rejected', JSON.stringify(o));
  } finally {
    await ch.deleteExchange(exchange);
    await t.close();
  }
});

test('amqp - wrong credentials fail as config; a connection that does not exist too', async () => {
  world.vault.put('rabbit-bad', { kind: 'basic', username: 'guest', password: 'not-the-password' });
  for (const connection of ['rabbit-bad', 'nope']) {
    const t = createTarget({ id: 't', kind: 'amqp', url: AMQP, connection, exchange: 'amq.topic', routingKey: 'k' }, world.deps());
    try {
      const o = await t.send([contractMessage()], new AbortController().signal);
      assert.equal(o.type === 'failed' && o.errorClass, 'config', JSON.stringify(o));
      assert.ok(!JSON.stringify(o).includes('not-the-password'), 'the password is not in the outcome');
    } finally {
      await t.close();
    }
  }
});

test('amqp - the broker going down mid-load: deliveries fail retryably, reconnect, and nothing is lost', { timeout: 60_000 }, async () => {
  const s = await sink();
  const proxy = await tcpProxy(5672);
  const t = createTarget({ id: 't', kind: 'amqp', url: `amqp://127.0.0.1:${proxy.port}`, connection: 'rabbit', exchange: s.exchange, routingKey: 'load', timeoutMs: 3000 }, world.deps());
  try {
    const ms = Array.from({ length: 30 }, () => contractMessage());
    const { failures } = await sendThroughOutage({ proxy, count: ms.length, send: (i) => t.send([ms[i]!], new AbortController().signal), retryable: (o) => shouldRetry(DEFAULT_POLICY, o) });
    assert.ok(failures >= 3, 'the outage was seen');
    await eventually(() => new Set(ids(s.messages)).size === ms.length);
    const got = new Set(ids(s.messages));
    for (const m of ms) assert.ok(got.has(m.eventId), `${m.eventId} arrived`);
  } finally {
    await t.close();
    await proxy.close();
  }
});

test('amqp - a bad target is refused when the rule is saved, one violation per problem', () => {
  const v = validateTargetSpec({ kind: 'amqp', url: 'amqp://guest:guest@h', exchange: 'bad name', routingKey: 'x'.repeat(300), persistent: 'yes', mandatory: 1 }, '');
  assert.deepEqual(v.map((x) => x.path).sort(), ['/exchange', '/mandatory', '/persistent', '/routingKey', '/url']);
  assert.deepEqual(validateTargetSpec({ kind: 'amqp', url: 'amqp://h', exchange: '' }, '').map((x) => x.path), ['/routingKey']);
  assert.deepEqual(validateTargetSpec({ kind: 'amqp', url: 'nats://h', exchange: 'e' }, '').map((x) => x.path), ['/url']);
});
