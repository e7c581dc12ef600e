// bench:cluster — the cluster store (storage.kind: cluster, docs/cluster.md) beside the embedded
// one, in the same run: puts (single events and batches of 100) through 1 and 3 cluster nodes on
// the machine's NATS JetStream and PostgreSQL, and through an embedded server as the reference.
// Reports events/s, p50/p99 and each Switchyard process's CPU time per event. On a 2-core machine
// three nodes share the cores with the engines and the load generator: the point is the cost per
// event and that it works, not scaling (docs/benchmarks.md has the arithmetic for separate machines).
import { randomBytes } from 'node:crypto';
import { machineLine } from './_machine.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpuSeconds, firstLine, startServer, stopChildren, tsx } from './_processes.js';
import type { LoadResult, LoadSpec } from './_ingest-load.js';
import { dropNamespace, isolatedNames } from '../src/store/cluster/cluster-store.fixture.js';

const WARMUP_MS = 1500;
const DURATION_MS = 4000;
const CONNECTIONS = 16;

async function load(spec: Omit<LoadSpec, 'runId' | 'warmupMs' | 'durationMs' | 'bus'>): Promise<LoadResult> {
  const full: LoadSpec = { ...spec, bus: 'default', runId: randomBytes(6).toString('hex'), warmupMs: WARMUP_MS, durationMs: DURATION_MS };
  return JSON.parse(await firstLine(tsx('bench/_ingest-load.ts', [JSON.stringify(full)]))) as LoadResult;
}

interface Row { readonly setup: string; readonly mode: string; readonly eventsPerSec: number; readonly p50: number; readonly p99: number; readonly cpuUsPerEvent: readonly number[] }

/** Runs one load generator per node at once (connections split between them) and sums their figures. */
async function measure(setup: string, nodes: readonly { url: string; pid: number }[], mode: 'single' | 'batch'): Promise<Row> {
  const per = Math.max(2, Math.round(CONNECTIONS / nodes.length));
  const results = await Promise.all(nodes.map((n) => load({ url: n.url, mode, batchSize: mode === 'batch' ? 100 : 1, connections: per, serverPid: n.pid })));
  const events = results.reduce((s, r) => s + r.events, 0);
  return {
    setup, mode, eventsPerSec: events / (DURATION_MS / 1000),
    p50: Math.max(...results.map((r) => r.p50Ms)), p99: Math.max(...results.map((r) => r.p99Ms)),
    cpuUsPerEvent: results.map((r) => ((r.serverCpuSeconds ?? NaN) / Math.max(1, r.events)) * 1e6),
  };
}

/** Deliveries: this many events put in batches of 100, delivered unbatched to a local receiver. */
const DELIVERIES = 3000;

interface DeliveryRow { readonly setup: string; readonly perSec: number; readonly cpuUsPerDelivery: readonly number[] }

/** A receiver counting distinct deliveries (by ce-id) and the time of each first one. */
async function receiver(): Promise<{ url: string; seen: Set<string>; times: number[]; close: () => void }> {
  const seen = new Set<string>();
  const times: number[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['ce-id']);
      if (!seen.has(id)) {
        seen.add(id);
        times.push(performance.now());
      }
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, times, close: () => server.close() };
}

/** Unbatched deliveries/s while a backlog of DELIVERIES events drains through the nodes' dispatchers. */
async function measureDeliveries(setup: string, nodes: readonly { url: string; pid: number }[]): Promise<DeliveryRow> {
  const rx = await receiver();
  const bus = `deliver${Math.floor(Math.random() * 1e9)}`;
  const post = (url: string, path: string, method: string, body: unknown, type = 'application/json'): Promise<Response> =>
    fetch(`${url}${path}`, { method, headers: { 'content-type': type }, body: JSON.stringify(body) });
  await post(nodes[0]!.url, '/v1/buses', 'POST', { name: bus });
  const rule = { filter: { pattern: { type: ['bench.deliver'] } }, targets: [{ id: 'rx', kind: 'http', url: `${rx.url}/in`, concurrency: 32 }] };
  const made = await post(nodes[0]!.url, `/v1/buses/${bus}/rules/r`, 'PUT', rule);
  if (made.status !== 201) throw new Error(`rule: ${made.status} ${await made.text()}`);
  await new Promise((r) => setTimeout(r, 1500));
  const cpu0 = nodes.map((n) => cpuSeconds(n.pid));
  const puts: Promise<Response>[] = [];
  for (let b = 0; b < DELIVERIES / 100; b++) {
    const batch = Array.from({ length: 100 }, (_, i) => ({ specversion: '1.0', id: `d${b}-${i}`, source: 'urn:bench', type: 'bench.deliver', data: { b, i } }));
    puts.push(post(nodes[b % nodes.length]!.url, `/v1/buses/${bus}/events`, 'POST', batch, 'application/cloudevents-batch+json'));
  }
  for (const r of await Promise.all(puts)) if (r.status !== 202) throw new Error(`put: ${r.status} ${await r.text()}`);
  const deadline = Date.now() + 300_000;
  while (rx.seen.size < DELIVERIES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const cpu = nodes.map((n, i) => ((cpuSeconds(n.pid) - cpu0[i]!) / DELIVERIES) * 1e6);
  rx.close();
  const span = (rx.times[rx.times.length - 1]! - rx.times[0]!) / 1000;
  return { setup, perSec: rx.seen.size < DELIVERIES ? NaN : (DELIVERIES - 1) / span, cpuUsPerDelivery: cpu };
}

const clusterEnv = (ns: { streamPrefix: string; postgresSchema: string }): Record<string, string> => ({
  SWITCHYARD_STORAGE_KIND: 'cluster', SWITCHYARD_STORAGE_NATS_STREAM_PREFIX: ns.streamPrefix, SWITCHYARD_STORAGE_POSTGRES_SCHEMA: ns.postgresSchema,
  SWITCHYARD_DELIVERY_SECRET_KEY: Buffer.alloc(32, 9).toString('base64'),
});

console.log(machineLine());
const rows: Row[] = [];
const deliveries: DeliveryRow[] = [];
const embedded = await startServer('swy-bench-cluster-');
for (const mode of ['single', 'batch'] as const) rows.push(await measure('embedded', [embedded], mode));
deliveries.push(await measureDeliveries('embedded', [embedded]));

const namespaces: { streamPrefix: string; postgresSchema: string }[] = [];
try {
  for (const count of [1, 3]) {
    const ns = isolatedNames('bench');
    namespaces.push(ns);
    const nodes = [];
    for (let i = 0; i < count; i++) nodes.push(await startServer('swy-bench-cluster-', clusterEnv(ns)));
    for (const mode of ['single', 'batch'] as const) rows.push(await measure(`cluster ×${count}`, nodes, mode));
    deliveries.push(await measureDeliveries(`cluster ×${count}`, nodes));
  }
} finally {
  stopChildren();
  await new Promise((r) => setTimeout(r, 1000));
  for (const ns of namespaces) await dropNamespace(ns).catch((err: unknown) => console.error('cleanup failed', err));
}

const ref = new Map(rows.filter((r) => r.setup === 'embedded').map((r) => [r.mode, r.eventsPerSec]));
console.log('\nsetup       mode    events/s   vs embedded   p50 ms   p99 ms   CPU µs/event per Switchyard process');
for (const r of rows) {
  console.log(`${r.setup.padEnd(11)} ${r.mode.padEnd(7)} ${r.eventsPerSec.toFixed(0).padStart(8)}   ${(r.eventsPerSec / (ref.get(r.mode) ?? NaN)).toFixed(2).padStart(9)}×  ${r.p50.toFixed(1).padStart(7)}  ${r.p99.toFixed(1).padStart(7)}   ${r.cpuUsPerEvent.map((c) => c.toFixed(0)).join(' / ')}`);
}
console.log(`\nunbatched deliveries of a ${DELIVERIES}-event backlog to one local receiver (concurrency 32)`);
console.log('setup       deliveries/s   vs embedded   CPU µs/delivery per Switchyard process (puts included)');
const dref = deliveries[0]?.perSec ?? NaN;
for (const d of deliveries) console.log(`${d.setup.padEnd(11)} ${d.perSec.toFixed(0).padStart(12)}   ${(d.perSec / dref).toFixed(2).padStart(9)}×   ${d.cpuUsPerDelivery.map((c) => c.toFixed(0)).join(' / ')}`);
console.log('\n(CPU of nats-server and PostgreSQL is not included; the machine may be shared with other work.)');
process.exit(0);
