// `npm run bench:targets`: unbatched deliveries/s through the nats (JetStream), amqp, mqtt and
// redis targets, each as a ratio to a bare client of the same library publishing the same bytes
// with the same confirmation (JetStream ack, publisher confirm, PUBACK, XADD reply) at the same
// concurrency, in the same run, in alternated rounds. Needs the local brokers (NATS 4222 with
// JetStream, RabbitMQ 5672, Mosquitto 1883, Redis 6379). Goal (issue 18): ≥ 50% each.
import { connect as natsConnect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect as amqpConnect } from 'amqplib';
import { connectAsync as mqttConnect } from 'mqtt';
import { createClient } from '@redis/client';
import { randomBytes } from 'node:crypto';
import { createEvent, serializeEvent } from '../src/events/index.js';
import { createTarget, type TargetDeps } from '../src/delivery/index.js';
import type { OutboundMessage, Target } from '../src/delivery/index.js';
import { systemClock } from '../src/core/index.js';
import { machineLine } from './_machine.js';

const N = Number(process.env.BENCH_MESSAGES ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const tag = `bench_${process.pid}_${randomBytes(3).toString('hex')}`;

const data = { order: { id: 100045, total: 129.95, currency: 'EUR', customer: { id: 'c-8812', name: 'Zoë', tier: 'gold' }, lines: Array.from({ length: 6 }, (_, i) => ({ sku: `SKU-${i}`, qty: i + 1, price: 9.5 })) }, note: 'x'.repeat(300) };
const messages: OutboundMessage[] = Array.from({ length: N }, (_, i) => ({
  deliveryId: `dlv_${tag}_${i}`, attempt: 1, bus: 'default', rule: 'bench', targetId: 't', eventId: `e${i}`,
  outbound: { type: 'event', event: createEvent({ id: `${tag}-${i}`, source: 'urn:bench', type: 'com.example.order.created', data: { kind: 'json', value: data } }) },
}));
const bodies = messages.map((m) => Buffer.from(serializeEvent((m.outbound as { event: Parameters<typeof serializeEvent>[0] }).event), 'utf8'));

// Broker targets use none of the server's other deps.
const deps = {
  connections: { authorizer: async () => undefined, credentials: async () => undefined }, allowPrivateNetworks: true, clock: systemClock,
  busPublisher: { publish: async () => ({ type: 'published' as const }) }, signingSecrets: { activeSecrets: () => [] }, fileDirectory: '/nonexistent',
} as unknown as TargetDeps;

/** Runs `count` sends with `CONCURRENCY` in flight; deliveries/s. */
async function drive(send: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < N) {
      const i = next++;
      await send(i);
    }
  }));
  return N / ((performance.now() - start) / 1000);
}

interface Case { name: string; bare: () => Promise<number>; target: () => Promise<number>; close: () => Promise<void> }

async function natsCase(): Promise<Case> {
  const nc = await natsConnect({ servers: '127.0.0.1:4222' });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: tag, subjects: [`${tag}.>`], max_msgs: 100_000 });
  const js = jetstream(nc);
  const t: Target = createTarget({ id: 't', kind: 'nats', url: 'nats://127.0.0.1:4222', subject: `${tag}.t`, jetstream: true, mode: 'structured' }, deps);
  let round = 0;
  return {
    name: 'nats (JetStream, ack)',
    bare: async () => {
      round += 1;
      return drive((i) => js.publish(`${tag}.b`, bodies[i]!, { msgID: `b${round}-${i}` }));
    },
    target: async () => {
      round += 1;
      return drive(async (i) => {
        const o = await t.send([{ ...messages[i]!, deliveryId: `t${round}-${i}` }], new AbortController().signal);
        if (o.type !== 'delivered') throw new Error(JSON.stringify(o));
      });
    },
    close: async () => {
      await t.close();
      await jsm.streams.delete(tag);
      await nc.close();
    },
  };
}

async function amqpCase(): Promise<Case> {
  const model = await amqpConnect('amqp://guest:guest@127.0.0.1:5672');
  const ch = await model.createConfirmChannel();
  await ch.assertExchange(tag, 'fanout', { autoDelete: false });
  const t = createTarget({ id: 't', kind: 'amqp', url: 'amqp://127.0.0.1:5672', exchange: tag, routingKey: 'k', mode: 'structured' }, {
    ...deps, connections: { authorizer: async () => undefined, credentials: async () => ({ kind: 'basic', username: 'guest', password: 'guest' }) },
  } as TargetDeps);
  return {
    name: 'amqp (publisher confirms)',
    bare: () => drive((i) => new Promise<void>((resolve, reject) => {
      ch.publish(tag, 'k', bodies[i]!, { contentType: 'application/cloudevents+json; charset=utf-8', persistent: true, messageId: `b${i}` }, (err: unknown) => (err ? reject(err as Error) : resolve()));
    })),
    target: () => drive(async (i) => {
      const o = await t.send([messages[i]!], new AbortController().signal);
      if (o.type !== 'delivered') throw new Error(JSON.stringify(o));
    }),
    close: async () => {
      await t.close();
      await ch.deleteExchange(tag);
      await model.close();
    },
  };
}

async function mqttCase(): Promise<Case> {
  const c = await mqttConnect('mqtt://127.0.0.1:1883', { protocolVersion: 5, reconnectPeriod: 0 });
  const t = createTarget({ id: 't', kind: 'mqtt', url: 'mqtt://127.0.0.1:1883', topic: `${tag}/t`, mode: 'structured' }, deps);
  return {
    name: 'mqtt (QoS 1, PUBACK)',
    bare: () => drive((i) => c.publishAsync(`${tag}/b`, bodies[i]!, { qos: 1, properties: { contentType: 'application/cloudevents+json; charset=utf-8' } })),
    target: () => drive(async (i) => {
      const o = await t.send([messages[i]!], new AbortController().signal);
      if (o.type !== 'delivered') throw new Error(JSON.stringify(o));
    }),
    close: async () => {
      await t.close();
      await c.endAsync();
    },
  };
}

async function redisCase(): Promise<Case> {
  const r = createClient({ url: 'redis://127.0.0.1:6379' });
  r.on('error', () => undefined);
  await r.connect();
  const key = `${tag}:b`;
  const tkey = `${tag}:t`;
  const t = createTarget({ id: 't', kind: 'redis', url: 'redis://127.0.0.1:6379', key: tkey, maxLen: 10_000 }, deps);
  return {
    name: 'redis (XADD, reply)',
    bare: () => drive((i) => r.sendCommand(['XADD', key, 'MAXLEN', '~', '10000', '*', 'content-type', 'application/cloudevents+json; charset=utf-8', 'data', bodies[i]!])),
    target: () => drive(async (i) => {
      const o = await t.send([messages[i]!], new AbortController().signal);
      if (o.type !== 'delivered') throw new Error(JSON.stringify(o));
    }),
    close: async () => {
      await t.close();
      await r.del([key, tkey]);
      r.destroy();
    },
  };
}

console.log(`${N} unbatched deliveries per measurement, ${CONCURRENCY} in flight, ${ROUNDS} alternated rounds; event ${bodies[0]!.length} bytes (structured)`);
const rows: string[] = [];
const only = process.env.BENCH_ONLY?.split(',');
for (const make of [natsCase, amqpCase, mqttCase, redisCase].filter((m) => only === undefined || only.some((o) => m.name.startsWith(o)))) {
  const c = await make();
  try {
    await c.bare();
    await c.target(); // warm-up: connections open, call sites optimized
    const bare: number[] = [];
    const target: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      global.gc?.();
      // alternate which goes first, so neither always meets a warmer broker
      if (r % 2 === 0) {
        bare.push(await c.bare());
        target.push(await c.target());
      } else {
        target.push(await c.target());
        bare.push(await c.bare());
      }
    }
    const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ratio = med(target) / med(bare);
    rows.push(`| ${c.name} | ${Math.round(med(bare)).toLocaleString('en-US')} | ${Math.round(med(target)).toLocaleString('en-US')} | ${(ratio * 100).toFixed(0)}% | ${ratio >= 0.5 ? 'met' : 'NOT MET'} |`);
  } finally {
    await c.close();
  }
}
console.log('\n| target | bare client deliveries/s (median) | target deliveries/s (median) | target / bare | goal ≥ 50% |\n|---|---:|---:|---:|---|');
for (const r of rows) console.log(r);
console.log(machineLine());
console.log(`load average: ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);
process.exit(0);
