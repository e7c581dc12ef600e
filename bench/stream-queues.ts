// `npm run bench:stream` (queue and consumer half, issue 16):
//   - pull-queue throughput: consumers each loop "receive 100 + acknowledge those 100" (two
//     HTTP round trips per 100 messages) from a Switchyard queue target, against RabbitMQ on this
//     machine in the same run: a durable queue, the same 1 KB messages published persistent with
//     publisher confirms, the same number of consumers (one channel each) with prefetch 100 and
//     manual acks, through amqplib. The queue is filled first (not timed), then drained: messages/s
//     from the first receive to the last ack. Rounds alternate Switchyard and RabbitMQ (this
//     machine's speed drifts within minutes); the goal (≥ 50% of RabbitMQ) is judged on the median
//     of the per-round ratios, with their spread.
//   - durable-consumer fetch rate: one reader fetching 1,000 events per call after its committed
//     offset and committing after each, over the same stored events.
// Switchyard runs in its own process (`switchyard start`, default durability `process`); the
// consumers of both run in this process.
import os from 'node:os';
import { connect as amqpConnect, type Channel, type ConsumeMessage } from 'amqplib';
import { Pool } from 'undici';
import { machineLine } from './_machine.js';
import { api, startServer } from './_processes.js';
import { median } from './_stats.js';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const MESSAGES = Math.round(20_000 * SCALE);
const CONSUMERS = Number(process.env.BENCH_CONSUMERS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BATCH = 100;
const DRAIN_TIMEOUT_MS = 120_000;
const AMQP_URL = process.env.BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** A 1 KB payload (the same bytes for both systems: 1,024 bytes of JSON). */
const PAYLOAD = (() => {
  const base = '{"order":{"id":1,"status":"created","note":"';
  return `${base}${'x'.repeat(1024 - base.length - 3)}"}}`;
})();

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function post(pool: Pool, path: string, body: string, contentType = 'application/json'): Promise<string> {
  const r = await pool.request({ method: 'POST', path, headers: { 'content-type': contentType }, body });
  const text = await r.body.text();
  if (r.statusCode >= 300) throw new Error(`POST ${path}: ${r.statusCode} ${text.slice(0, 300)}`);
  return text;
}

/** Puts `n` 1 KB events on the bus in batches of 500 (not timed). */
async function fill(pool: Pool, bus: string, n: number, round: number): Promise<void> {
  for (let i = 0; i < n; i += 500) {
    const events = [];
    for (let k = i; k < Math.min(n, i + 500); k++) events.push(`{"specversion":"1.0","id":"r${round}-${k}","source":"urn:bench","type":"bench.q","data":${PAYLOAD}}`);
    await post(pool, `/v1/buses/${bus}/events`, `[${events.join(',')}]`, 'application/cloudevents-batch+json');
  }
}

async function switchyardRound(pool: Pool, round: number): Promise<number> {
  await fill(pool, 'bench', MESSAGES, round);
  let acked = 0;
  const started = performance.now();
  const consumer = async (): Promise<void> => {
    for (let empty = 0; acked < MESSAGES && empty < 50;) {
      const text = await post(pool, '/v1/buses/bench/queues/q/receive', `{"max":${BATCH},"waitMs":100}`);
      const got = (JSON.parse(text) as { value: { brokerProperties: { lockToken: string } }[] }).value;
      if (got.length === 0) {
        empty++;
        continue;
      }
      const r = JSON.parse(await post(pool, '/v1/buses/bench/queues/q/acknowledge', JSON.stringify({ lockTokens: got.map((g) => g.brokerProperties.lockToken) }))) as { succeededLockTokens: string[] };
      acked += r.succeededLockTokens.length;
      if (performance.now() - started > DRAIN_TIMEOUT_MS) throw new Error('switchyard drain timed out');
    }
  };
  await Promise.all(Array.from({ length: CONSUMERS }, consumer));
  const s = (performance.now() - started) / 1000;
  if (acked < MESSAGES) throw new Error(`switchyard: ${acked} of ${MESSAGES} acknowledged`);
  return acked / s;
}

async function rabbitRound(round: number): Promise<number> {
  const conn = await amqpConnect(AMQP_URL);
  const queue = `swy-bench-${process.pid}-${round}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    const pub = await conn.createConfirmChannel();
    await pub.assertQueue(queue, { durable: true });
    const body = Buffer.from(PAYLOAD);
    for (let i = 0; i < MESSAGES; i += 500) {
      for (let k = i; k < Math.min(MESSAGES, i + 500); k++) pub.sendToQueue(queue, body, { persistent: true, messageId: `r${round}-${k}`, contentType: 'application/json' });
      await pub.waitForConfirms();
    }
    await pub.close();
    let acked = 0;
    const channels: Channel[] = [];
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('rabbitmq drain timed out')), DRAIN_TIMEOUT_MS);
      void (async () => {
        for (let c = 0; c < CONSUMERS; c++) {
          const ch = await conn.createChannel();
          channels.push(ch);
          await ch.prefetch(BATCH);
          await ch.consume(queue, (m: ConsumeMessage | null) => {
            if (m === null) return;
            ch.ack(m);
            if (++acked === MESSAGES) {
              clearTimeout(timer);
              resolve();
            }
          }, { noAck: false });
        }
      })().catch(reject);
    });
    const s = (performance.now() - started) / 1000;
    for (const ch of channels) await ch.close();
    return acked / s;
  } finally {
    const ch = await conn.createChannel();
    await ch.deleteQueue(queue);
    await conn.close();
  }
}

/** One reader fetching 1,000 events per call after its committed offset, committing each time. */
async function fetchRate(pool: Pool, bus: string, total: number): Promise<number> {
  await post(pool, `/v1/buses/${bus}/consumers`, JSON.stringify({ name: 'bench-reader', start: 'earliest' }));
  let read = 0;
  const started = performance.now();
  while (read < total) {
    const r = JSON.parse(await post(pool, `/v1/buses/${bus}/consumers/bench-reader/fetch`, '{"max":1000}')) as { events: unknown[]; offset: number };
    if (r.events.length === 0) break;
    read += r.events.length;
    await post(pool, `/v1/buses/${bus}/consumers/bench-reader/commit`, JSON.stringify({ offset: r.offset }));
  }
  const s = (performance.now() - started) / 1000;
  return read / s;
}

console.log(machineLine());
console.log(`load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}`);
console.log(`pull queue: ${fmt(MESSAGES)} messages of ${PAYLOAD.length} B per phase, ${CONSUMERS} consumers, receive ${BATCH} + ack ${BATCH} per round trip (RabbitMQ: durable queue, persistent messages, prefetch ${BATCH}, manual acks); ${ROUNDS} alternated rounds`);
const { url } = await startServer('swy-bench-stream-');
const pool = new Pool(url, { connections: CONSUMERS * 2, pipelining: 1 });
await api(url, 'POST', '/v1/buses', { name: 'bench', retention: { maxAgeMs: null, maxCount: null } });
await api(url, 'PUT', '/v1/buses/bench/rules/to-q', { filter: { pattern: { type: ['bench.q'] } }, targets: [{ id: 'q', kind: 'queue', queue: 'q', lockMs: 60_000 }] });
const ratios: number[] = [];
const swy: number[] = [];
const rmq: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const s = await switchyardRound(pool, round);
  const r = await rabbitRound(round);
  swy.push(s);
  rmq.push(r);
  ratios.push(s / r);
  console.log(`round ${round + 1}: switchyard ${fmt(s)} msg/s, rabbitmq ${fmt(r)} msg/s, ratio ${(s / r).toFixed(3)}`);
}
console.log(`pull queue: switchyard median ${fmt(median(swy))} msg/s, rabbitmq median ${fmt(median(rmq))} msg/s; ratio median ${median(ratios).toFixed(3)} (min ${Math.min(...ratios).toFixed(3)}, max ${Math.max(...ratios).toFixed(3)}); goal ≥ 0.5`);
const stored = MESSAGES * ROUNDS;
const rate = await fetchRate(pool, 'bench', stored);
console.log(`durable consumer: ${fmt(rate)} events/s fetched (1,000 per fetch, a commit after each) over ${fmt(stored)} stored 1 KB events`);
console.log(`load average at end ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}`);
await pool.close();
process.exit(0);
