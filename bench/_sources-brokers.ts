// The broker half of `npm run bench:sources` (issue 17): events/s a NATS JetStream source and a
// RabbitMQ (AMQP) source put into a bus, with the broker's own publish rate measured in the same
// run. Each round: a fresh stream / queue (random suffix, deleted after), M binary-mode
// CloudEvents (~200 B of JSON data each) published with the broker's acknowledgement (JetStream
// publish acks, pipelined 256 at a time; AMQP publisher confirms) — the publish rate — then a
// source created on them, timed from its creation until the bus's last sequence shows all M
// (GET /v1/buses/{bus}, polled every 20 ms) — the source rate. Reported: per-round rates, the
// source ÷ publish ratio, medians and spread. The server is `switchyard start` in its own
// process, defaults (group commit, SQLite WAL), the source at its default concurrency/prefetch.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { connect as natsConnect, headers as natsHeaders } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect as amqpConnect } from 'amqplib';
import { api, sleep, startServer } from './_processes.js';
import { median } from './_stats.js';

const M = Number(process.env.BENCH_BROKER_MESSAGES ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const data = (i: number): string => JSON.stringify({ order: i, customer: 'c-000123', items: [{ sku: 'sku-1', qty: 2 }, { sku: 'sku-2', qty: 1 }], total: 42.5, note: 'x'.repeat(80) });
const attrs = (i: number, run: string): Record<string, string> => ({ specversion: '1.0', id: `${run}-${i}`, source: '/bench/broker', type: 'bench.order' });

async function drained(url: string, bus: string, start: number): Promise<number> {
  for (;;) {
    const b = await api(url, 'GET', `/v1/buses/${bus}`) as { lastSequence: number };
    if (b.lastSequence >= M) return (performance.now() - start) / 1000;
    await sleep(20);
  }
}

async function jetStreamRound(url: string, round: number): Promise<{ publish: number; source: number }> {
  const s = randomBytes(4).toString('hex');
  const nc = await natsConnect({ servers: 'nats://127.0.0.1:4222' });
  const jsm = await jetstreamManager(nc);
  const stream = `swy_bench_${s}`;
  await jsm.streams.add({ name: stream, subjects: [`swybench.${s}`] });
  const bus = `js-${s}`;
  try {
    const js = jetstream(nc);
    const t0 = performance.now();
    for (let i = 0; i < M; i += 256) {
      const batch: Promise<unknown>[] = [];
      for (let k = i; k < Math.min(M, i + 256); k++) {
        const h = natsHeaders();
        for (const [n, v] of Object.entries(attrs(k, s))) h.set(`ce-${n}`, v);
        h.set('content-type', 'application/json');
        batch.push(js.publish(`swybench.${s}`, data(k), { headers: h }));
      }
      await Promise.all(batch);
    }
    const publish = M / ((performance.now() - t0) / 1000);
    await api(url, 'POST', '/v1/buses', { name: bus, retention: { maxAgeMs: null, maxCount: null } });
    const t1 = performance.now();
    await api(url, 'PUT', `/v1/sources/js-${round}`, { kind: 'nats-jetstream', bus, url: 'nats://127.0.0.1:4222', stream, consumer: `c_${s}` });
    const source = M / (await drained(url, bus, t1));
    await api(url, 'DELETE', `/v1/sources/js-${round}`);
    return { publish, source };
  } finally {
    await jsm.streams.delete(stream).catch(() => undefined);
    await nc.close();
  }
}

async function amqpRound(url: string, round: number): Promise<{ publish: number; source: number }> {
  const s = randomBytes(4).toString('hex');
  const conn = await amqpConnect('amqp://guest:guest@127.0.0.1:5672');
  const ch = await conn.createConfirmChannel();
  const queue = `swy.bench.${s}`;
  await ch.assertQueue(queue, { durable: true });
  const bus = `amqp-${s}`;
  try {
    const t0 = performance.now();
    for (let i = 0; i < M; i++) {
      const headers: Record<string, string> = {};
      for (const [n, v] of Object.entries(attrs(i, s))) headers[`cloudEvents:${n}`] = v;
      ch.sendToQueue(queue, Buffer.from(data(i)), { persistent: true, contentType: 'application/json', headers });
      if (i % 1000 === 999) await ch.waitForConfirms();
    }
    await ch.waitForConfirms();
    const publish = M / ((performance.now() - t0) / 1000);
    await api(url, 'POST', '/v1/buses', { name: bus, retention: { maxAgeMs: null, maxCount: null } });
    const t1 = performance.now();
    await api(url, 'PUT', `/v1/sources/amqp-${round}`, { kind: 'amqp', bus, url: 'amqp://127.0.0.1:5672', connection: 'rabbit', queue });
    const source = M / (await drained(url, bus, t1));
    await api(url, 'DELETE', `/v1/sources/amqp-${round}`);
    return { publish, source };
  } finally {
    await ch.deleteQueue(queue).catch(() => undefined);
    await conn.close();
  }
}

/** Runs the broker half; prints its figures. */
export async function brokerHalf(): Promise<void> {
  const { url } = await startServer('swy-bench-broker-sources-');
  await api(url, 'PUT', '/v1/connections/rabbit', { kind: 'basic', username: 'guest', password: 'guest' });
  console.log(`broker sources: ${ROUNDS} rounds of ${fmt(M)} binary-mode CloudEvents per broker (load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')})`);
  for (const [name, round] of [['NATS JetStream', jetStreamRound], ['RabbitMQ (AMQP)', amqpRound]] as const) {
    const rows: { publish: number; source: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const x = await round(url, r);
      rows.push(x);
      console.log(`  ${name} round ${r + 1}: broker publish ${fmt(x.publish)}/s (acknowledged) | source into bus ${fmt(x.source)} events/s | ratio ${(x.source / x.publish).toFixed(3)}`);
    }
    const ratios = rows.map((x) => x.source / x.publish).sort((a, b) => a - b);
    console.log(`  ${name}: source median ${fmt(median(rows.map((x) => x.source)))} events/s, publish median ${fmt(median(rows.map((x) => x.publish)))}/s, ratio median ${median(ratios).toFixed(3)} (spread ${ratios[0]!.toFixed(3)}–${ratios[ratios.length - 1]!.toFixed(3)})`);
  }
}
