// `npm run bench:deliver`: delivery through the real server, put → HTTP receiver, each in its own
// process: the server (`switchyard start`, durability `process`, log level warn), the receiver
// (bench/_deliver-receiver.ts, bare node:http answering 204) and the load generator
// (bench/_deliver-load.ts, undici). Phases:
//   1. reference: a bare undici client straight to the same receiver — latency at 100 and 1,000 req/s and
//      the maximum req/s (single events, and 100-event batch bodies), the ceiling of this machine;
//   2. latency: single binary puts at 100 and 1,000 events/s to a bus with one http target; the receiver
//      measures put → delivery (wall clock in `ce-sentat`);
//   3. throughput: a backlog is put while the targets are held by a near-zero rate limit, then
//      the rule is changed to lift it; deliveries/s are measured while the backlog drains (the
//      middle 80%), for 1 and 10 targets, unbatched and batched (maxBatchSize 100);
//   4. backlog: 1,000,000 pending deliveries to a receiver that is down; server RSS, and the put
//      rate into that backlog vs into an empty queue.
// Goals (issue 5): p50 ≤ 2 ms, p99 ≤ 10 ms at light load; ≥ 15,000 deliveries/s unbatched to one
// target; RSS ≤ 512 MiB with a 1M backlog; no stall at 1,000 puts/s (put 202 p99 ≤ 50 ms, put →
// delivered p99 ≤ 100 ms, max within 2× p99). Every phase is bounded in time.
// BENCH_PHASES (default reference,latency,throughput,backlog) runs only the phases named.
import { execSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { LoadResult, LoadSpec } from './_deliver-load.js';
import { machineLine } from './_machine.js';
import { api, cpuSeconds, firstLine, freePort, rss, startServer, stopChildren, tsx, sleep } from './_processes.js';

/**
 * Warm-up of every paced and max run, not counted: the first traffic after start (the 100/s run)
 * and the step from 100/s to 1,000/s run slow for a second or more (V8 compiles the hot paths).
 */
const WARMUP_MS = 2000;
const DURATION_MS = 5000;
const RATE = 1000;
/** Longest the receiver is waited for after a paced run, for deliveries of events put in its window. */
const DELIVERED_WAIT_MS = 10_000;
/** A second, lighter rate: on a shared machine the 1,000/s runs queue behind other work. */
const LOW_RATE = 100;
/** Deliveries put in the backlog of each throughput run. */
/** BENCH_SCALE (default 1) shrinks the backlogs for a quick trial run. */
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const DRAIN_DELIVERIES = { unbatched: 100_000 * SCALE, batched: 200_000 * SCALE };
const DRAIN_TIMEOUT_MS = 25_000;
/** Longest a backlog is put for (a loaded machine puts fewer; the figures say how many). */
const DRAIN_FILL_MAX_MS = 15_000;
const BACKLOG_FILL_MAX_MS = 100_000;
const BACKLOG_DELIVERIES = 1_000_000 * SCALE;
/** The 1M pending deliveries are BACKLOG_TARGETS per event (10: 100,000 events), to keep the fill short. */
const BACKLOG_TARGETS = Number(process.env.BENCH_BACKLOG_TARGETS ?? 10);
const FILL_BATCH = 100;
const FILL_CONNECTIONS = 4;
const INGEST_SAMPLE = 50_000 * SCALE;
const PAUSED = { perSecond: 0.001, burst: 1 };
const PHASES = new Set((process.env.BENCH_PHASES ?? 'reference,latency,throughput,backlog').split(','));





const load1 = (): string => {
  try {
    return execSync('uptime', { encoding: 'utf8' }).trim().replace(/^.*load average:\s*/, 'load average ');
  } catch {
    return 'load average unknown';
  }
};



async function startReceiver(): Promise<{ url: string; pid: number }> {
  const c = tsx('bench/_deliver-receiver.ts', []);
  return { url: await firstLine(c), pid: c.pid! };
}

interface Stats { requests: number; events: number; latency: { n: number; p50: number; p99: number; max: number; stalls: number } }
/** The receiver's counts; latency of the events put within [from, to] (wall-clock ms), or of all. */
const stats = async (rx: string, window?: { from: number; to: number }): Promise<Stats> =>
  (await api(rx, 'GET', window === undefined ? '/_stats' : `/_stats?from=${window.from}&to=${window.to}`)) as Stats;
const reset = async (rx: string): Promise<void> => void (await api(rx, 'POST', '/_reset'));

async function load(spec: LoadSpec): Promise<LoadResult> {
  const c = tsx('bench/_deliver-load.ts', [JSON.stringify(spec)]);
  return JSON.parse(await firstLine(c)) as LoadResult;
}

const fmt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n));
const ms = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : String(n));

interface Lag { p99: number; max: number }
/**
 * The server's event-loop delay since the previous call, from its /metrics (prom-client's
 * monitorEventLoopDelay histogram, which every scrape resets), in ms.
 */
async function loopLag(base: string): Promise<Lag> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const gauge = (name: string): number => 1000 * Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { p99: gauge('nodejs_eventloop_lag_p99_seconds'), max: gauge('nodejs_eventloop_lag_max_seconds') };
}

/** A bus with one rule whose `n` http targets all point at `url`. */
async function busWithTargets(server: string, bus: string, n: number, url: string, extra: Record<string, unknown> = {}): Promise<void> {
  await api(server, 'POST', '/v1/buses', { name: bus, retention: { maxAgeMs: null, maxCount: null } });
  await putRule(server, bus, n, url, extra);
}

async function putRule(server: string, bus: string, n: number, url: string, extra: Record<string, unknown>): Promise<void> {
  const targets = Array.from({ length: n }, (_, i) => ({ id: `t${i}`, kind: 'http', url: `${url}/t${i}`, ...extra }));
  await api(server, 'PUT', `/v1/buses/${bus}/rules/r`, { filter: { pattern: { source: ['urn:bench:shop'] } }, targets });
}

/** Polls the receiver until `expected` events arrived; rate over the middle 80 % of the drain. */
async function drain(rx: string, expected: number): Promise<{ rate: number; delivered: number; seconds: number }> {
  const start = performance.now();
  let t10: number | undefined;
  let t90: number | undefined;
  let last = 0;
  while (performance.now() - start < DRAIN_TIMEOUT_MS) {
    last = (await stats(rx)).events;
    const t = performance.now();
    if (t10 === undefined && last >= 0.1 * expected) t10 = t;
    if (t90 === undefined && last >= 0.9 * expected) t90 = t;
    if (last >= expected) break;
    await sleep(20);
  }
  const seconds = (performance.now() - start) / 1000;
  if (t10 === undefined || t90 === undefined) return { rate: last / seconds, delivered: last, seconds };
  return { rate: (0.8 * expected) / ((t90 - t10) / 1000), delivered: last, seconds };
}

const benchStart = performance.now();
console.log(machineLine());
console.log(`load at start: ${load1()}`);
console.log(`event: ~${Buffer.byteLength((await import('./_ingest-corpus.js')).dataText(0))} B JSON data, binary mode; ${WARMUP_MS / 1000} s warm-up + ${DURATION_MS / 1000} s measured per paced run`);

const rx = await startReceiver();
const server = await startServer('swy-bench-deliver-');
const lines: string[] = [];
const note = (s: string): void => {
  lines.push(s);
  console.log(s);
};

// 1. reference: bare undici to the same receiver
/** Paced puts (or, direct, requests to the receiver) at `rate`; the receiver's latency after the warm-up. */
async function paced(url: string, bus: string, direct: boolean, rate: number, runId: string): Promise<{ lat: Stats; put: LoadResult; lag: Lag; cpuUsPerEvent: number }> {
  await reset(rx.url);
  const c = tsx('bench/_deliver-load.ts', [JSON.stringify({ mode: 'paced', url, bus, direct, rate, warmupMs: WARMUP_MS, durationMs: DURATION_MS, runId, announce: true } satisfies LoadSpec)]);
  const lines = createInterface({ input: c.stdout! })[Symbol.asyncIterator]();
  await lines.next(); // the measured window opens: the server's event-loop delay histogram restarts
  await loopLag(server.url);
  const cpu0 = cpuSeconds(server.pid);
  const put = JSON.parse((await lines.next()).value as string) as LoadResult;
  const cpuUsPerEvent = (1e6 * (cpuSeconds(server.pid) - cpu0)) / put.events;
  const lag = await loopLag(server.url);
  // Every event put in the window is waited for (at most DELIVERED_WAIT_MS), so late ones count.
  const window = { from: put.windowFrom, to: put.windowTo };
  let lat = await stats(rx.url, window);
  for (const until = performance.now() + DELIVERED_WAIT_MS; lat.latency.n < put.events && performance.now() < until; lat = await stats(rx.url, window)) await sleep(100);
  return { lat, put, lag, cpuUsPerEvent };
}

// The paced reference runs with the latency phase too: its figures are read beside them.
const refLats: Record<number, Stats> = {};
if (PHASES.has('reference') || PHASES.has('latency')) {
  for (const rate of [LOW_RATE, RATE]) {
    const { lat: refLat } = await paced(rx.url, '', true, rate, `ref${rate}`);
    refLats[rate] = refLat;
    note(`reference, bare undici → receiver at ${fmt(rate)} req/s | one-way p50 ${ms(refLat.latency.p50)} ms, p99 ${ms(refLat.latency.p99)} ms, max ${ms(refLat.latency.max)} ms, ` +
      `stalls ${refLat.latency.stalls} (n=${refLat.latency.n})`);
  }
}
let refMax: LoadResult | undefined;
if (PHASES.has('reference')) {
  refMax = await load({ mode: 'max', url: rx.url, bus: '', direct: true, connections: 32, warmupMs: WARMUP_MS, durationMs: DURATION_MS, runId: 'refmax' });
  note(`reference, bare undici → receiver, 32 in flight, single events | ${fmt(refMax.requests / refMax.seconds)} req/s, ${fmt(refMax.cpuUsPerRequest)} µs CPU per request (errors ${refMax.errors})`);
  const refBatch = await load({ mode: 'max', url: rx.url, bus: '', direct: true, connections: 32, batchSize: 100, warmupMs: WARMUP_MS, durationMs: DURATION_MS, runId: 'refb' });
  note(`reference, bare undici → receiver, 32 in flight, 100-event batches | ${fmt(refBatch.events / refBatch.seconds)} events/s, ${fmt(refBatch.cpuUsPerRequest / 100)} µs CPU per event (errors ${refBatch.errors})`);
}
const refMaxRate = refMax === undefined ? NaN : refMax.requests / refMax.seconds;

// 2. latency at light load through the server
const lats: Record<number, { lat: Stats; put: LoadResult; cpuUsPerEvent: number }> = {};
if (PHASES.has('latency')) {
  await busWithTargets(server.url, 'lat', 1, rx.url);
  for (const rate of [LOW_RATE, RATE]) {
    const { lat, put, lag, cpuUsPerEvent } = await paced(server.url, 'lat', false, rate, `lat${rate}`);
    lats[rate] = { lat, put, cpuUsPerEvent };
    note(`switchyard put → receiver at ${fmt(rate)} events/s | p50 ${ms(lat.latency.p50)} ms, p99 ${ms(lat.latency.p99)} ms, max ${ms(lat.latency.max)} ms, stalls ${lat.latency.stalls} (n=${lat.latency.n}); ` +
      `put 202 p50 ${ms(put.p50Ms)} ms, p99 ${ms(put.p99Ms)} ms, max ${ms(put.maxMs)} ms, stalls ${put.stalls}, errors ${put.errors}; ` +
      `server event-loop delay p99 ${ms(lag.p99)} ms, max ${ms(lag.max)} ms, ${fmt(cpuUsPerEvent)} µs CPU per event (put and delivery); RSS ${rss(server.pid).now.toFixed(0)} MiB`);
  }
}

// 3. throughput: drain a held backlog
const drains: Record<string, number> = {};
const cpuPer: Record<string, number> = {};
for (const [targets, batched] of PHASES.has('throughput') ? [[1, false], [10, false], [1, true], [10, true]] as const : []) {
  const name = `tp${targets}${batched ? 'b' : ''}`;
  const batch = batched ? { batch: { maxBatchSize: 100, maxBatchWindowMs: 10 }, mode: 'structured' } : {};
  const deliveries = batched ? DRAIN_DELIVERIES.batched : DRAIN_DELIVERIES.unbatched;
  const events = Math.ceil(deliveries / targets / FILL_BATCH) * FILL_BATCH;
  await busWithTargets(server.url, name, targets, rx.url, { ...batch, rateLimit: PAUSED });
  const fill = await load({ mode: 'fill', url: server.url, bus: name, count: events, batchSize: FILL_BATCH, connections: FILL_CONNECTIONS, maxMs: DRAIN_FILL_MAX_MS, runId: name });
  await sleep(300);
  await reset(rx.url);
  const cpu0 = cpuSeconds(server.pid);
  await putRule(server.url, name, targets, rx.url, batch);
  const expected = fill.events * targets - targets; // each target sent its one burst token before the reset
  const d = await drain(rx.url, expected);
  const cpu = cpuSeconds(server.pid) - cpu0;
  // What a drain that timed out left must not reach the receiver during the next run.
  await api(server.url, 'DELETE', `/v1/buses/${name}/rules/r`);
  drains[name] = d.rate;
  cpuPer[name] = (1e6 * cpu) / d.delivered;
  const m = rss(server.pid);
  note(`drain ${fmt(expected)} deliveries, ${targets} target(s), ${batched ? 'batched (100)' : 'unbatched'} | ${fmt(d.rate)} deliveries/s, server ${fmt(cpuPer[name]!)} µs CPU per delivery ` +
    `(delivered ${fmt(d.delivered)} in ${d.seconds.toFixed(1)} s; backlog put at ${fmt(fill.events / fill.seconds)} events/s, errors ${fill.errors}); RSS ${m.now.toFixed(0)} MiB (peak ${m.peak.toFixed(0)})`);
}

// 4. a 1M backlog to a receiver that is down
let backlog: { pending: number; rss: { now: number; peak: number } } | undefined;
if (PHASES.has('backlog')) {
  const down = `http://127.0.0.1:${await freePort()}`;
  await busWithTargets(server.url, 'backlog', BACKLOG_TARGETS, down);
  const backlogEvents = BACKLOG_DELIVERIES / BACKLOG_TARGETS;
  const empty = await load({ mode: 'fill', url: server.url, bus: 'backlog', count: INGEST_SAMPLE / BACKLOG_TARGETS, batchSize: FILL_BATCH, connections: FILL_CONNECTIONS, runId: 'bl0' });
  // The bulk of the backlog goes in 1,000-event puts (the largest batch the server takes), to be quick.
  const rest = await load({ mode: 'fill', url: server.url, bus: 'backlog', count: backlogEvents - 2 * (INGEST_SAMPLE / BACKLOG_TARGETS), batchSize: 1000, connections: FILL_CONNECTIONS, maxMs: BACKLOG_FILL_MAX_MS, runId: 'bl1' });
  const full = await load({ mode: 'fill', url: server.url, bus: 'backlog', count: INGEST_SAMPLE / BACKLOG_TARGETS, batchSize: FILL_BATCH, connections: FILL_CONNECTIONS, runId: 'bl2' });
  await sleep(2000);
  const t0 = performance.now();
  const state = (await api(server.url, 'GET', '/v1/buses/backlog/rules/r/targets')) as { items: { deliveries: { pending: number; inFlight?: number } }[] };
  const stateMs = performance.now() - t0;
  // Unfinished: pending, and leased (inFlight; builds before the async queue counted those in pending).
  const pending = state.items.reduce((s, t) => s + t.deliveries.pending + (t.deliveries.inFlight ?? 0), 0);
  const backlogPut = empty.events + rest.events + full.events;
  const mb = rss(server.pid);
  backlog = { pending, rss: mb };
  note(`backlog: ${fmt(pending)} pending deliveries (${fmt(backlogPut)} events × ${BACKLOG_TARGETS} target(s), receiver down) | server RSS ${mb.now.toFixed(0)} MiB (peak ${mb.peak.toFixed(0)} MiB over the whole run); ` +
    `target state API ${stateMs.toFixed(0)} ms`);
  const emptyRate = empty.events / empty.seconds;
  const fullRate = full.events / full.seconds;
  note(`put rate (${FILL_BATCH}-event batches, ${FILL_CONNECTIONS} conns, ${BACKLOG_TARGETS} deliveries/event): empty queue ${fmt(emptyRate)} events/s, with the backlog ${fmt(fullRate)} events/s ` +
    `(${((100 * fullRate) / emptyRate).toFixed(0)}%); filling ran at ${fmt(rest.events / rest.seconds)} events/s; errors ${empty.errors + rest.errors + full.errors}`);
}

stopChildren();
console.log(`\nload at end: ${load1()}; whole bench ${((performance.now() - benchStart) / 1000).toFixed(0)} s`);
const goal = (ok: boolean): string => (ok ? 'met' : 'MISSED');
const light = lats[RATE];
const refRate = refLats[RATE];
if (light !== undefined && refRate !== undefined) {
  const { lat, put } = light;
  const low = lats[LOW_RATE]!.lat.latency;
  console.log(`goal p50 ≤ 2 ms at light load (${fmt(RATE)}/s): ${ms(lat.latency.p50)} ms (bare undici ${ms(refRate.latency.p50)} ms; at ${LOW_RATE}/s ${ms(low.p50)} ms) — ${goal(lat.latency.p50 <= 2)}`);
  console.log(`goal p99 ≤ 10 ms at light load (${fmt(RATE)}/s): ${ms(lat.latency.p99)} ms (bare undici ${ms(refRate.latency.p99)} ms; at ${LOW_RATE}/s ${ms(low.p99)} ms) — ${goal(lat.latency.p99 <= 10)}`);
  console.log(`goal no stall at ${fmt(RATE)}/s: put 202 p99 ${ms(put.p99Ms)} ms (≤ 50), max ${ms(put.maxMs)} ms (≤ 2× p99); put → delivered p99 ${ms(lat.latency.p99)} ms (≤ 100), ` +
    `max ${ms(lat.latency.max)} ms (≤ 2× p99); bare undici p99 ${ms(refRate.latency.p99)} ms, max ${ms(refRate.latency.max)} ms — ` +
    `${goal(put.p99Ms <= 50 && put.maxMs <= 2 * put.p99Ms && lat.latency.p99 <= 100 && lat.latency.max <= 2 * lat.latency.p99)}`);
}
if (drains.tp1 !== undefined) {
  console.log(`goal ≥ 15,000 deliveries/s unbatched to one target: ${fmt(drains.tp1)}/s (${((100 * drains.tp1) / refMaxRate).toFixed(0)}% of bare undici's rate; ` +
    `CPU per delivery ${((cpuPer.tp1 ?? NaN) / (refMax?.cpuUsPerRequest ?? NaN)).toFixed(1)}× bare undici's per request) — ${goal(drains.tp1 >= 15_000)}`);
}
if (backlog !== undefined) {
  const { pending, rss: mb } = backlog;
  console.log(`goal RSS ≤ 512 MiB with 1M pending: ${mb.now.toFixed(0)} MiB (peak ${mb.peak.toFixed(0)}) with ${fmt(pending)} pending — ${pending >= BACKLOG_DELIVERIES ? goal(mb.peak <= 512) : 'NOT MEASURED at 1M (backlog not reached)'}`);
}
process.exit(0);
