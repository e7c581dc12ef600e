// `npm run bench:sources`: what event sources cost against the plain put path, in one run.
//
// Webhook half (issue 17): webhook-source puts/s — GitHub preset: X-Hub-Signature-256 verified
// with HMAC-SHA256, the JSON body parsed for the preset (type from X-GitHub-Event, source from
// the repository URL, id from X-GitHub-Delivery) and kept byte-exact as data — as a ratio to
// plain binary CloudEvent puts of the same ~1 KiB JSON payload to the same server (goal ≥ 80%).
// One server (`switchyard start`, its own process); each round runs both loads one after the
// other, in alternating order, with the same load generator (bench/_sources-load.ts, 32
// connections, single requests at saturation) and reads the server's CPU time over each measured
// window. Reported: per-round ratios (webhook ÷ binary) with their median and spread, and CPU
// per put of each. The machine's speed drifts between minutes; the per-round ratio compares two
// runs seconds apart.
//
// Broker half (NATS JetStream, RabbitMQ sources): bench/_sources-brokers.ts — events/s each
// source puts into a bus, beside the broker's own acknowledged publish rate in the same run.
import os from 'node:os';
import type { SourcesLoadResult, SourcesLoadSpec } from './_sources-load.js';
import { machineLine } from './_machine.js';
import { brokerHalf } from './_sources-brokers.js';
import { api, firstLine, startServer, stopChildren, tsx } from './_processes.js';
import { median } from './_stats.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WARMUP_MS = 1000;
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000);
const CONNECTIONS = 32;
const SECRET = "It's a Secret to Everybody";

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const loadLine = (): string => `load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}`;

async function run(url: string, pid: number, mode: SourcesLoadSpec['mode'], runId: string, timing = { warmupMs: WARMUP_MS, durationMs: DURATION_MS }): Promise<{ rate: number; cpuUs: number; p99: number }> {
  const spec: SourcesLoadSpec = { url, mode, name: mode === 'binary' ? 'bench' : 'gh', secret: SECRET, connections: CONNECTIONS, ...timing, runId, serverPid: pid };
  const r = JSON.parse(await firstLine(tsx('bench/_sources-load.ts', [JSON.stringify(spec)]))) as SourcesLoadResult;
  if (r.errors > 0) throw new Error(`${mode}: ${r.errors} requests failed`);
  return { rate: r.ok / r.seconds, cpuUs: (1e6 * (r.serverCpuSeconds ?? Number.NaN)) / r.ok, p99: r.p99Ms };
}

async function webhookHalf(): Promise<void> {
  const { url, pid } = await startServer('swy-bench-sources-');
  await api(url, 'POST', '/v1/buses', { name: 'bench', retention: { maxAgeMs: null, maxCount: null } });
  await api(url, 'PUT', '/v1/connections/gh', { kind: 'hmac', secret: SECRET });
  await api(url, 'PUT', '/v1/sources/gh', { kind: 'webhook', bus: 'bench', verify: { kind: 'github', connection: 'gh' }, mapping: { preset: 'github' } });
  // Warm both paths (JIT, SQLite caches) before the first measured round.
  await run(url, pid, 'binary', 'warm-b', { warmupMs: 0, durationMs: 1500 });
  await run(url, pid, 'github', 'warm-g', { warmupMs: 0, durationMs: 1500 });
  const ratios: number[] = [];
  const rows: { binary: number[]; github: number[]; binaryCpu: number[]; githubCpu: number[] } = { binary: [], github: [], binaryCpu: [], githubCpu: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order: SourcesLoadSpec['mode'][] = round % 2 === 0 ? ['binary', 'github'] : ['github', 'binary'];
    const got: Partial<Record<SourcesLoadSpec['mode'], { rate: number; cpuUs: number; p99: number }>> = {};
    for (const mode of order) got[mode] = await run(url, pid, mode, `r${round}-${mode}`);
    const b = got.binary!;
    const g = got.github!;
    rows.binary.push(b.rate);
    rows.github.push(g.rate);
    rows.binaryCpu.push(b.cpuUs);
    rows.githubCpu.push(g.cpuUs);
    ratios.push(g.rate / b.rate);
    console.log(`  round ${round + 1} (${order.join(' then ')}): binary ${fmt(b.rate)}/s ${b.cpuUs.toFixed(0)} µs CPU/put p99 ${b.p99.toFixed(1)} ms | github webhook ${fmt(g.rate)}/s ${g.cpuUs.toFixed(0)} µs CPU/put p99 ${g.p99.toFixed(1)} ms | ratio ${(g.rate / b.rate).toFixed(3)}  (${loadLine()})`);
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  console.log('webhook source (GitHub preset) vs plain binary CloudEvent puts, same payload, same server:');
  console.log(`  binary puts/s median ${fmt(median(rows.binary))}, CPU/put median ${median(rows.binaryCpu).toFixed(0)} µs`);
  console.log(`  webhook puts/s median ${fmt(median(rows.github))}, CPU/put median ${median(rows.githubCpu).toFixed(0)} µs`);
  console.log(`  ratio webhook ÷ binary: median ${median(ratios).toFixed(3)} (rounds: ${ratios.map((r) => r.toFixed(3)).join(', ')}; spread ${sorted[0]!.toFixed(3)}–${sorted[sorted.length - 1]!.toFixed(3)}); goal ≥ 0.80`);
}

console.log(machineLine());
console.log(`start: ${loadLine()}; ${ROUNDS} rounds of ${WARMUP_MS / 1000} s warm-up + ${DURATION_MS / 1000} s per load, ${CONNECTIONS} connections`);
try {
  await webhookHalf();
  await brokerHalf();
} finally {
  stopChildren();
}
