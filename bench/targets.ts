// `npm run bench:targets`: unbatched deliveries/s through the nats (JetStream), amqp, mqtt and
// redis targets, each as a ratio to a bare client of the same library publishing the same bytes
// (same body, headers and properties) with the same confirmation (JetStream ack, publisher
// confirm, PUBACK, XADD reply) awaited per message, at the same concurrency, in the same run.
// Rounds alternate which side goes first; the verdict is the median of the per-round ratios,
// beside the process CPU time per delivery of each side. The target is called as the engine
// calls it: one AbortSignal shared by every send (the worker's stop signal). Needs the local
// brokers (NATS 4222 with JetStream, RabbitMQ 5672, Mosquitto 1883, Redis 6379).
// Goal (issue 18): ≥ 50% each.
import { connect as natsConnect, headers as natsHeaders } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect as amqpConnect } from 'amqplib';
import { connectAsync as mqttConnect } from 'mqtt';
import { createClient } from '@redis/client';
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type * as Events from '../src/events/index.js';
import type * as Delivery from '../src/delivery/index.js';
import type * as Core from '../src/core/index.js';
import type { OutboundMessage, Target, TargetDeps } from '../src/delivery/index.js';
import { machineLine } from './_machine.js';

// The targets run as the server runs them: the tsc build in dist/ (`npm run bench:targets`
// rebuilds it when stale), not src/ through tsx, whose transform wraps every named closure in
// a keep-names helper the bare clients (plain JavaScript in node_modules) never pay.
const dist = (m: string): string => new URL(`../dist/${m}/index.js`, import.meta.url).href;
const { createEvent, serializeEvent } = (await import(dist('events'))) as typeof Events;
const { createTarget } = (await import(dist('delivery'))) as typeof Delivery;
const { systemClock } = (await import(dist('core'))) as typeof Core;

const N = Number(process.env.BENCH_MESSAGES ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const tag = `bench_${process.pid}_${randomBytes(3).toString('hex')}`;

const data = { order: { id: 100045, total: 129.95, currency: 'EUR', customer: { id: 'c-8812', name: 'Zoë', tier: 'gold' }, lines: Array.from({ length: 6 }, (_, i) => ({ sku: `SKU-${i}`, qty: i + 1, price: 9.5 })) }, note: 'x'.repeat(300) };
const messages: OutboundMessage[] = Array.from({ length: N }, (_, i) => ({
  deliveryId: `dlv_${tag}_${i}`, attempt: 1, bus: 'default', rule: 'bench', targetId: 't', eventId: `e${i}`,
  outbound: { type: 'event', event: createEvent({ id: `${tag}-${i}`, source: 'urn:bench', type: 'com.example.order.created', data: { kind: 'json', value: data } }) },
}));
const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';
const bodies = messages.map((m) => Buffer.from(serializeEvent((m.outbound as { event: Parameters<typeof serializeEvent>[0] }).event), 'utf8'));

// Broker targets use none of the server's other deps.
const deps = {
  connections: { authorizer: async () => undefined, credentials: async () => undefined }, allowPrivateNetworks: true, clock: systemClock,
  busPublisher: { publish: async () => ({ type: 'published' as const }) }, signingSecrets: { activeSecrets: () => [] }, fileDirectory: '/nonexistent',
} as unknown as TargetDeps;

// The engine passes every send of a target worker the same signal (its stop signal), never a
// fresh controller per send.
const stop = new AbortController().signal;
setMaxListeners(0, stop); // as the engine's worker does

interface Measured {
  /** Deliveries per second. */
  readonly rate: number;
  /** This process's CPU time (user + system, all threads) per delivery, µs. */
  readonly cpuUs: number;
}

/** Runs `N` sends with `CONCURRENCY` in flight, each awaiting its own confirmation. */
async function drive(send: (i: number) => Promise<unknown>): Promise<Measured> {
  let next = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < N) {
      const i = next++;
      await send(i);
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { rate: N / seconds, cpuUs: (used.user + used.system) / N };
}

async function sendVia(t: Target, m: OutboundMessage): Promise<void> {
  const o = await t.send([m], stop);
  if (o.type !== 'delivered') throw new Error(JSON.stringify(o));
}

interface Case { name: string; bare: () => Promise<Measured>; target: () => Promise<Measured>; close: () => Promise<void> }

async function natsCase(): Promise<Case> {
  const nc = await natsConnect({ servers: '127.0.0.1:4222' });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: tag, subjects: [`${tag}.>`], max_msgs: 100_000 });
  const js = jetstream(nc);
  // the target's structured-mode headers: content-type (Nats-Msg-Id is added by msgID on both sides)
  const h = natsHeaders();
  h.set('content-type', STRUCTURED_CONTENT_TYPE);
  const t: Target = createTarget({ id: 't', kind: 'nats', url: 'nats://127.0.0.1:4222', subject: `${tag}.t`, jetstream: true, mode: 'structured' }, deps);
  let round = 0;
  return {
    name: 'nats (JetStream, ack)',
    bare: async () => {
      round += 1;
      return drive((i) => js.publish(`${tag}.b`, bodies[i]!, { headers: h, msgID: `b${round}-${i}` }));
    },
    target: async () => {
      round += 1;
      // a fresh delivery id per round, as the bare side's msgID: neither meets JetStream's duplicate window
      return drive((i) => sendVia(t, { ...messages[i]!, deliveryId: `t${round}-${i}` }));
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
      ch.publish(tag, 'k', bodies[i]!, { contentType: STRUCTURED_CONTENT_TYPE, persistent: true, messageId: `b${i}` }, (err: unknown) => (err ? reject(err as Error) : resolve()));
    })),
    target: () => drive((i) => sendVia(t, messages[i]!)),
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
    bare: () => drive((i) => c.publishAsync(`${tag}/b`, bodies[i]!, { qos: 1, properties: { contentType: STRUCTURED_CONTENT_TYPE } })),
    target: () => drive((i) => sendVia(t, messages[i]!)),
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
    bare: () => drive((i) => r.sendCommand(['XADD', key, 'MAXLEN', '~', '10000', '*', 'content-type', STRUCTURED_CONTENT_TYPE, 'data', bodies[i]!])),
    target: () => drive((i) => sendVia(t, messages[i]!)),
    close: async () => {
      await t.close();
      await r.del([key, tkey]);
      r.destroy();
    },
  };
}

console.log(`${N} unbatched deliveries per measurement, ${CONCURRENCY} in flight, ${ROUNDS} rounds alternating which side goes first; event ${bodies[0]!.length} bytes (structured)`);
const os = await import('node:os');
const load = (): string => os.loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`load average at start: ${load()}`);
const med = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;
const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const rows: string[] = [];
const only = process.env.BENCH_ONLY?.split(',');
// BENCH_SIDE=bare|target runs one side only, ROUNDS times (for `node --cpu-prof`): prints its rate and CPU per delivery.
const side = process.env.BENCH_SIDE as 'bare' | 'target' | undefined;
for (const make of [natsCase, amqpCase, mqttCase, redisCase].filter((m) => only === undefined || only.some((o) => m.name.startsWith(o)))) {
  const c = await make();
  try {
    await c.bare();
    await c.target(); // warm-up: connections open, call sites optimized
    if (side !== undefined) {
      for (let r = 0; r < ROUNDS; r++) {
        const m = await c[side]();
        console.log(`${c.name} ${side} alone: ${int(m.rate)} deliveries/s, ${m.cpuUs.toFixed(1)} CPU µs/delivery`);
      }
      continue;
    }
    const bare: Measured[] = [];
    const target: Measured[] = [];
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
    const ratios = bare.map((b, r) => target[r]!.rate / b.rate);
    const ratio = med(ratios);
    console.log(`${c.name}: per-round target/bare ${ratios.map(pct).join(' ')}`);
    rows.push(`| ${c.name} | ${int(med(bare.map((m) => m.rate)))} | ${int(med(target.map((m) => m.rate)))} | ${pct(ratio)} | ${pct(Math.min(...ratios))}–${pct(Math.max(...ratios))} | ${med(bare.map((m) => m.cpuUs)).toFixed(1)} | ${med(target.map((m) => m.cpuUs)).toFixed(1)} | ${ratio >= 0.5 ? 'met' : 'NOT MET'} |`);
  } finally {
    await c.close();
  }
}
console.log('\n| target | bare client deliveries/s | target deliveries/s | target / bare (median of rounds) | spread (min–max) | bare CPU µs/delivery | target CPU µs/delivery | goal ≥ 50% |\n|---|---:|---:|---:|---:|---:|---:|---|');
for (const r of rows) console.log(r);
console.log(machineLine());
console.log(`load average at end: ${load()}`);
process.exit(0);
