// The load generator of bench:ingest, run in its own process: an undici Pool with `connections`
// keep-alive connections, each running puts back to back for warmupMs + durationMs. Only answers
// that complete inside the measured window count. Prints one JSON line with the figures.
import { Pool } from 'undici';
import { batchBody, binaryHeaders, dataText } from './_ingest-corpus.js';
import { serverCpuWindow } from './_server-cpu.js';

export interface LoadSpec {
  readonly url: string;
  readonly bus: string;
  readonly mode: 'single' | 'batch';
  readonly batchSize: number;
  readonly connections: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Makes ids unique across runs against the same server (dedupe would answer duplicates). */
  readonly runId: string;
  /** A W3C traceparent header sent with every put (bench:observe). */
  readonly traceparent?: string;
  /** The server's pid: its CPU time is read at the start and the end of the measured window. */
  readonly serverPid?: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly events: number;
  readonly errors: number;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Events acknowledged 202 over the whole run, warm-up included (to share out CPU time). */
  readonly allEvents: number;
  /** With `serverPid`: the server's CPU time (all threads) within the measured window, s. */
  readonly serverCpuSeconds?: number;
}

const spec = JSON.parse(process.argv[2]!) as LoadSpec;
const pool = new Pool(spec.url, { connections: spec.connections, pipelining: 1, keepAliveTimeout: 60_000 });
const path = `/v1/buses/${spec.bus}/events`;
const trace: Record<string, string> = spec.traceparent === undefined ? {} : { traceparent: spec.traceparent };
const batchHeaders = { 'content-type': 'application/cloudevents-batch+json', ...trace };
const latencies: number[] = [];
let requests = 0;
let errors = 0;
let counter = 0;
let allOk = 0;
const start = performance.now();
const measureFrom = start + spec.warmupMs;
const end = measureFrom + spec.durationMs;
const serverCpu = spec.serverPid === undefined ? undefined : serverCpuWindow(spec.serverPid, spec.warmupMs, spec.durationMs);

async function loop(): Promise<void> {
  while (performance.now() < end) {
    const n = counter++;
    const id = `${spec.runId}-${n}`;
    const single = spec.mode === 'single';
    const t0 = performance.now();
    const res = await pool.request({
      path,
      method: 'POST',
      headers: single ? { ...binaryHeaders(id), ...trace } : batchHeaders,
      body: single ? dataText(n) : batchBody(id, spec.batchSize),
    });
    await res.body.dump();
    const t1 = performance.now();
    if (res.statusCode === 202) allOk++;
    if (t1 < measureFrom || t1 > end) continue;
    if (res.statusCode !== 202) errors++;
    requests++;
    latencies.push(t1 - t0);
  }
}

await Promise.all(Array.from({ length: spec.connections }, () => loop()));
await pool.close();
latencies.sort((a, b) => a - b);
const q = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
const result: LoadResult = {
  requests,
  events: (requests - errors) * (spec.mode === 'single' ? 1 : spec.batchSize),
  errors,
  seconds: spec.durationMs / 1000,
  p50Ms: q(0.5),
  p99Ms: q(0.99),
  allEvents: allOk * (spec.mode === 'single' ? 1 : spec.batchSize),
  serverCpuSeconds: await serverCpu,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
