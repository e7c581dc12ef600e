// Shared by the broker-source tests: publishers per broker with isolated names (a random
// suffix) and cleanup, and a wait for what a source put on a bus.
import { randomBytes } from 'node:crypto';
import { connect as natsConnect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, jetstream } from '@nats-io/jetstream';
import { connect as amqpConnect } from 'amqplib';
import { createClient } from '@redis/client';
import mqtt from 'mqtt';
import pg from 'pg';
import { call } from './_client.js';

export const suffix = (): string => randomBytes(4).toString('hex');

/** One message as a test publishes it: a body, a content type, headers (binding-specific names). */
export interface TestMessage {
  readonly body: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly messageId?: string;
}

export interface BrokerFixture {
  /** The source body's kind-specific settings. */
  readonly settings: Record<string, unknown>;
  /** The binding's header names for a binary-mode CloudEvent (`ce-`, `cloudEvents:`, MQTT 5 user properties). */
  readonly binary: (attrs: Record<string, string>) => Record<string, string>;
  publish(messages: readonly TestMessage[]): Promise<void>;
  close(): Promise<void>;
}

export async function jetStreamFixture(url = 'nats://127.0.0.1:4222'): Promise<BrokerFixture> {
  const s = suffix();
  const stream = `swy_src_${s}`;
  const nc: NatsConnection = await natsConnect({ servers: url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: stream, subjects: [`swysrc.${s}.>`] });
  const js = jetstream(nc);
  return {
    settings: { kind: 'nats-jetstream', url, stream, consumer: `swy_c_${s}` },
    binary: (a) => Object.fromEntries(Object.entries(a).map(([k, v]) => [`ce-${k}`, v])),
    async publish(messages) {
      for (const m of messages) {
        const h = natsHeaders();
        for (const [k, v] of Object.entries(m.headers ?? {})) h.set(k, v);
        if (m.contentType !== undefined) h.set('content-type', m.contentType);
        await js.publish(`swysrc.${s}.in`, m.body, { headers: h });
      }
    },
    async close() {
      await jsm.streams.delete(stream).catch(() => undefined);
      await nc.close();
    },
  };
}

export async function natsCoreFixture(url = 'nats://127.0.0.1:4222'): Promise<BrokerFixture> {
  const subject = `swysrc.core.${suffix()}`;
  const nc: NatsConnection = await natsConnect({ servers: url });
  return {
    settings: { kind: 'nats', url, subject: `${subject}.>` },
    binary: (a) => Object.fromEntries(Object.entries(a).map(([k, v]) => [`ce-${k}`, v])),
    async publish(messages) {
      for (const m of messages) {
        const h = natsHeaders();
        for (const [k, v] of Object.entries(m.headers ?? {})) h.set(k, v);
        if (m.contentType !== undefined) h.set('content-type', m.contentType);
        nc.publish(`${subject}.in`, m.body, { headers: h });
      }
      await nc.flush();
    },
    async close() {
      await nc.close();
    },
  };
}

export async function amqpFixture(url = 'amqp://guest:guest@127.0.0.1:5672'): Promise<BrokerFixture> {
  const queue = `swy.src.${suffix()}`;
  const conn = await amqpConnect(url);
  const ch = await conn.createConfirmChannel();
  await ch.assertQueue(queue, { durable: true });
  return {
    settings: { kind: 'amqp', url: 'amqp://127.0.0.1:5672', connection: 'rabbit', queue },
    binary: (a) => Object.fromEntries(Object.entries(a).map(([k, v]) => [`cloudEvents:${k}`, v])),
    async publish(messages) {
      for (const m of messages) {
        ch.sendToQueue(queue, Buffer.from(m.body), { persistent: true, headers: m.headers ?? {}, ...(m.contentType === undefined ? {} : { contentType: m.contentType }), ...(m.messageId === undefined ? {} : { messageId: m.messageId }) });
      }
      await ch.waitForConfirms();
    },
    async close() {
      await ch.deleteQueue(queue).catch(() => undefined);
      await conn.close();
    },
  };
}

export async function redisFixture(url = 'redis://127.0.0.1:6379'): Promise<BrokerFixture> {
  const stream = `swy:src:${suffix()}`;
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  return {
    settings: { kind: 'redis-streams', url, stream, group: 'swy', startId: '0' },
    binary: (a) => Object.fromEntries(Object.entries(a).map(([k, v]) => [`ce-${k}`, v])),
    async publish(messages) {
      for (const m of messages) {
        const args = ['XADD', stream, '*'];
        for (const [k, v] of Object.entries(m.headers ?? {})) args.push(k, v);
        if (m.contentType !== undefined) args.push('content-type', m.contentType);
        args.push('data', m.body);
        await client.sendCommand(args);
      }
    },
    async close() {
      await client.del(stream).catch(() => undefined);
      client.destroy();
    },
  };
}

export async function mqttFixture(url = 'mqtt://127.0.0.1:1883'): Promise<BrokerFixture> {
  const s = suffix();
  const client = await mqtt.connectAsync(url, { protocolVersion: 5, clientId: `swy-pub-${s}` });
  const topic = `swy/src/${s}`;
  return {
    settings: { kind: 'mqtt', url, topic: `${topic}/#`, clientId: `swy-src-${s}` },
    binary: (a) => a,
    async publish(messages) {
      for (const m of messages) {
        await client.publishAsync(`${topic}/in`, m.body, {
          // An empty userProperties object makes mqtt.js send a packet the broker never acknowledges.
          qos: 1, properties: { ...(m.contentType === undefined ? {} : { contentType: m.contentType }), ...(m.headers === undefined ? {} : { userProperties: { ...m.headers } }) },
        });
      }
    },
    async close() {
      // Forced: after a broker restart a graceful end may wait on an in-flight packet forever.
      await client.endAsync(true);
    },
  };
}

export async function postgresFixture(url = 'postgres://postgres@127.0.0.1:5432/postgres'): Promise<BrokerFixture> {
  const channel = `swy_src_${suffix()}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    settings: { kind: 'postgres-notify', url, channel },
    binary: () => {
      throw new Error('NOTIFY has no headers');
    },
    async publish(messages) {
      for (const m of messages) await client.query('SELECT pg_notify($1, $2)', [channel, m.body]);
    },
    async close() {
      await client.end();
    },
  };
}

interface Listed { items: { event: Record<string, unknown> }[]; next?: string }

/** Every event on the bus (paged). */
export async function busEvents(url: string, bus: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let after: string | undefined;
  for (;;) {
    const r = await call<Listed>(url, `/v1/buses/${bus}/events?limit=1000${after === undefined ? '' : `&after=${after}`}`);
    out.push(...r.json.items.map((i) => i.event));
    if (r.json.next === undefined) return out;
    after = String(r.json.next);
  }
}

/** Waits until `check` holds (polling every 50 ms; the test's own timeout bounds it). */
export async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 50));
}
