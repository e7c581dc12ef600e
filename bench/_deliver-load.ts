// The load generator of bench:deliver, in its own process. Modes (argv[2] is a JSON LoadSpec):
// - `paced`: single binary-mode puts of one event at `rate`/s for warmupMs + durationMs, each
//   stamped `ce-sentat` (wall clock, ms) so the receiver measures put → delivery latency. With
//   `direct` the requests go straight to the receiver: the bare-undici reference.
// - `max`: back-to-back requests with `connections` in flight for warmupMs + durationMs, single
//   events or `batchSize`-event batches; the reference maximum of a bare undici client.
// - `fill`: puts `count` events in `batchSize`-event batches with `connections` in flight, as
//   fast as the server takes them; reports the put rate.
// Prints one JSON line (LoadResult).
import { Agent, request } from 'undici';
import { batchBody, binaryHeaders, dataText } from './_ingest-corpus.js';
import { serverCpuWindow } from './_server-cpu.js';
import { countStalls, type Timed } from './_stalls.js';

export interface LoadSpec {
  readonly mode: 'paced' | 'max' | 'fill';
  /** Server base URL (puts) or, with `direct`, the receiver URL. */
  readonly url: string;
  readonly bus: string;
  readonly direct?: boolean;
  readonly rate?: number;
  readonly connections?: number;
  readonly batchSize?: number;
  readonly count?: number;
  /** `fill` stops after this long even if `count` is not reached. */
  readonly maxMs?: number;
  readonly warmupMs?: number;
  readonly durationMs?: number;
  /** Makes ids unique across runs against the same server (dedupe would answer duplicates). */
  readonly runId: string;
  /** A W3C traceparent header sent with every put (bench:observe). */
  readonly traceparent?: string;
  /** The server's pid: its CPU time is read at the start and the end of the measured window. */
  readonly serverPid?: number;
  /** `paced`: print a line `{"measuring":true}` when the measured window opens (before the result line). */
  readonly announce?: boolean;
}

export interface LoadResult {
  readonly requests: number;
  readonly events: number;
  readonly errors: number;
  readonly seconds: number;
  /** Latency of the request itself (put → 202, or, direct, → receiver's 204), ms. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Stalls in the measured window: episodes of requests slower than STALL_MS (bench/_stalls.ts). */
  readonly stalls: number;
  /** CPU (user + system) this process spent per request in the measured window, µs. */
  readonly cpuUsPerRequest: number;
  /** With `serverPid`: the server's CPU time (all threads) within the measured window, s. */
  readonly serverCpuSeconds?: number;
  /** The measured window in wall-clock ms (the clock of `ce-sentat`): what was sent in it is counted. */
  readonly windowFrom: number;
  readonly windowTo: number;
}

const spec = JSON.parse(process.argv[2]!) as LoadSpec;
const agent = new Agent({ connections: 256, keepAliveTimeout: 60_000, pipelining: 1 });
const target = spec.direct === true ? `${spec.url}` : `${spec.url}/v1/buses/${spec.bus}/events`;
const trace: Record<string, string> = spec.traceparent === undefined ? {} : { traceparent: spec.traceparent };
const batchHeaders = { 'content-type': 'application/cloudevents-batch+json', ...trace };
const wallNow = (): number => performance.timeOrigin + performance.now();
const latencies: Timed[] = [];
let requests = 0;
let errors = 0;
let events = 0;
let counter = 0;

/**
 * One request; counted when `measure()` holds as it is sent. (Counting by the answer's time let
 * the slow answers to warm-up requests into the measured window, and left out the last ones.)
 */
async function one(single: boolean, stamp: boolean, measure: () => boolean): Promise<void> {
  const counted = measure();
  const n = counter++;
  const id = `${spec.runId}-${n}`;
  const size = spec.batchSize ?? 1;
  const headers = single ? { ...binaryHeaders(id), ...trace, ...(stamp ? { 'ce-sentat': wallNow().toFixed(3) } : {}) } : batchHeaders;
  const t0 = performance.now();
  try {
    const res = await request(target, { dispatcher: agent, method: 'POST', headers, body: single ? dataText(n) : batchBody(id, size) });
    await res.body.dump();
    if (!counted) return;
    if (res.statusCode >= 300) errors++;
    else events += single ? 1 : size;
    requests++;
    latencies.push({ at: t0, ms: performance.now() - t0 });
  } catch {
    if (counted) errors++;
  }
}

const start = performance.now();
const warm = spec.warmupMs ?? 0;
const measureFrom = start + warm;
const end = measureFrom + (spec.durationMs ?? 0);
const serverCpu = spec.serverPid === undefined ? undefined : serverCpuWindow(spec.serverPid, warm, spec.durationMs ?? 0);
const inWindow = (): boolean => {
  const t = performance.now();
  return t >= measureFrom && t <= end;
};
const wallAt = (t: number): number => performance.timeOrigin + t;
if (spec.announce === true) setTimeout(() => process.stdout.write('{"measuring":true}\n'), warm);
let seconds = (spec.durationMs ?? 0) / 1000;
let cpuFrom = process.cpuUsage();
let cpuUs = NaN;

if (spec.mode === 'paced') {
  const rate = spec.rate ?? 1000;
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      if (now > end) return resolve();
      const due = Math.floor(((now - start) * rate) / 1000) - sent;
      for (let i = 0; i < due && inFlight.size < 512; i++) {
        sent++;
        const p = one(true, true, inWindow);
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
      setTimeout(tick, 1);
    };
    tick();
  });
  await Promise.all(inFlight);
} else if (spec.mode === 'max') {
  const single = (spec.batchSize ?? 1) === 1;
  setTimeout(() => {
    cpuFrom = process.cpuUsage();
  }, warm);
  await Promise.all(Array.from({ length: spec.connections ?? 32 }, async () => {
    while (performance.now() < end) await one(single, false, inWindow);
  }));
  const c = process.cpuUsage(cpuFrom);
  cpuUs = c.user + c.system;
} else {
  const total = spec.count ?? 0;
  const size = spec.batchSize ?? 100;
  let next = 0;
  const t0 = performance.now();
  const stopAt = t0 + (spec.maxMs ?? Infinity);
  await Promise.all(Array.from({ length: spec.connections ?? 4 }, async () => {
    while (next < total && performance.now() < stopAt) {
      next += size;
      await one(false, false, () => true);
    }
  }));
  seconds = (performance.now() - t0) / 1000;
}

await agent.close();
const sorted = latencies.map((l) => l.ms).sort((a, b) => a - b);
const q = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
const result: LoadResult = {
  requests, events, errors, seconds, p50Ms: q(0.5), p99Ms: q(0.99), maxMs: sorted[sorted.length - 1] ?? NaN, stalls: countStalls(latencies),
  cpuUsPerRequest: cpuUs / requests, serverCpuSeconds: await serverCpu, windowFrom: wallAt(measureFrom), windowTo: wallAt(end),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
