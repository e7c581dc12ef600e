// `npm run bench:ingest`: put throughput and latency of the real server on loopback, against the
// two ceilings measured in the same run:
//   - HTTP ceiling: a bare fastify route that reads the body and answers 202 (bench/_ingest-echo.ts)
//   - storage ceiling: SqliteStore.events.append of the same events, no HTTP (in this process)
// The server (`switchyard start`, durability `process`, log level warn) and the echo server each
// run in their own process; the load generator (bench/_ingest-load.ts, undici Pool) in a third.
// Goals (DESIGN §7): single-event binary POSTs ≥ 90% of the HTTP ceiling; 100-event batches
// ≥ 50,000 events/s or ≥ 90% of the storage ceiling.
import os from 'node:os';
import { appendItems } from './_ingest-corpus.js';
import type { LoadResult, LoadSpec } from './_ingest-load.js';
import { machineLine } from './_machine.js';
import { api, cpuSeconds, firstLine, rss, startServer, stopChildren, tsx } from './_processes.js';
import { storeCeiling } from './_ingest-store.js';

const WARMUP_MS = 1000;
const DURATION_MS = 5000;
const SINGLE_CONNECTIONS = 32;
const BATCH_CONNECTIONS = 4;
const BATCH = 100;


async function startSwitchyard(): Promise<{ url: string; pid: number }> {
  const server = await startServer('swy-bench-', {}, 20_000);
  await api(server.url, 'POST', '/v1/buses', { name: 'bench' });
  // BENCH_INGEST_ARCHIVE=1: an archive without a pattern on the bus (every event copied at append; docs/replay.md).
  if (process.env.BENCH_INGEST_ARCHIVE === '1') await api(server.url, 'PUT', '/v1/buses/bench/archives/all', {});
  return server;
}

async function startEcho(): Promise<{ url: string; pid: number }> {
  const c = tsx('bench/_ingest-echo.ts', []);
  return { url: await firstLine(c), pid: c.pid! };
}

async function load(spec: Omit<LoadSpec, 'warmupMs' | 'durationMs'>): Promise<LoadResult> {
  const full: LoadSpec = { ...spec, warmupMs: WARMUP_MS, durationMs: DURATION_MS };
  const c = tsx('bench/_ingest-load.ts', [JSON.stringify(full)]);
  const line = await firstLine(c);
  return JSON.parse(line) as LoadResult;
}



const loadLine = (): string => `load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')} (${os.cpus().length} cores)`;

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const pct = (a: number, b: number): string => `${((100 * a) / b).toFixed(0)}%`;

console.log(machineLine());
console.log(`event: ~${Buffer.byteLength(appendItems('x', 'x', 1)[0]!.body)} B JSON; ${WARMUP_MS / 1000} s warm-up + ${DURATION_MS / 1000} s measured per run; loader: undici Pool in its own process`);

const echo = await startEcho();
const server = await startSwitchyard();
const rows: string[] = [];
// Each row also gives the server process's CPU time per event (all its threads, warm-up
// included): on a shared machine the rates follow the load, the CPU cost per event much less.
const row = async (name: string, spec: Omit<LoadSpec, 'warmupMs' | 'durationMs'>, pid: number): Promise<number> => {
  const cpu0 = cpuSeconds(pid);
  const r = await load(spec);
  const cpuUs = (1e6 * (cpuSeconds(pid) - cpu0)) / r.allEvents;
  const evs = r.events / r.seconds;
  const m = rss(pid);
  rows.push(`${name} | ${fmt(r.requests / r.seconds)} | ${fmt(evs)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.errors} | ${cpuUs.toFixed(1)} | ${m.now.toFixed(0)} (peak ${m.peak.toFixed(0)})`);
  return evs;
};

console.log(`before: ${loadLine()}`);
const echoSingle = await row(`echo (HTTP ceiling), single, ${SINGLE_CONNECTIONS} conns`, { url: echo.url, bus: 'bench', mode: 'single', batchSize: 1, connections: SINGLE_CONNECTIONS, runId: 'e1' }, echo.pid);
const single = await row(`switchyard, single binary, ${SINGLE_CONNECTIONS} conns`, { url: server.url, bus: 'bench', mode: 'single', batchSize: 1, connections: SINGLE_CONNECTIONS, runId: 's1' }, server.pid);
const echoBatch = await row(`echo (HTTP ceiling), batch ${BATCH}, ${BATCH_CONNECTIONS} conns`, { url: echo.url, bus: 'bench', mode: 'batch', batchSize: BATCH, connections: BATCH_CONNECTIONS, runId: 'e2' }, echo.pid);
const batch = await row(`switchyard, batch ${BATCH}, ${BATCH_CONNECTIONS} conns`, { url: server.url, bus: 'bench', mode: 'batch', batchSize: BATCH, connections: BATCH_CONNECTIONS, runId: 's2' }, server.pid);
stopChildren();

const store = await storeCeiling(BATCH, BATCH_CONNECTIONS, WARMUP_MS, DURATION_MS);
const storeRate = store.events / store.seconds;
const storeSingle = await storeCeiling(1, SINGLE_CONNECTIONS, WARMUP_MS, DURATION_MS);
const storeNoFts = await storeCeiling(BATCH, BATCH_CONNECTIONS, WARMUP_MS, DURATION_MS, true);

console.log(`after: ${loadLine()}`);
console.log('\nrun | req/s | events/s | p50 ms | p99 ms | errors | server CPU µs/event | RSS MiB');
for (const r of rows) console.log(r);
console.log(`store ceiling: SqliteStore append, ${BATCH}-event appends, ${BATCH_CONNECTIONS} in flight | ${fmt(storeRate)} events/s | ${store.cpuUsPerEvent.toFixed(1)} CPU µs/event`);
console.log(`  (diagnostic) 1-event appends, ${SINGLE_CONNECTIONS} in flight | ${fmt(storeSingle.events / storeSingle.seconds)} events/s | ${storeSingle.cpuUsPerEvent.toFixed(1)} CPU µs/event`);
console.log(`  (diagnostic) ${BATCH}-event appends, full-text index replaced by a plain table | ${fmt(storeNoFts.events / storeNoFts.seconds)} events/s | ${storeNoFts.cpuUsPerEvent.toFixed(1)} CPU µs/event`);
console.log(`after the store runs: ${loadLine()}`);
console.log('');
console.log(`single POSTs: ${fmt(single)} events/s = ${pct(single, echoSingle)} of the HTTP ceiling (goal ≥ 90%): ${single >= 0.9 * echoSingle ? 'met' : 'MISSED'}`);
console.log(`batches: ${fmt(batch)} events/s = ${pct(batch, storeRate)} of the storage ceiling, ${pct(batch, echoBatch)} of the HTTP ceiling for the same bodies ` +
  `(goal ≥ 50,000 events/s or ≥ 90% of storage): ${batch >= 50_000 || batch >= 0.9 * storeRate ? 'met' : 'MISSED'}`);
process.exit(0);
