// `npm run bench:deliver-ab`: unbatched deliveries/s to one local target, this checkout's build
// against another build (BENCH_BASE, a checkout with `dist/` built: e.g. `git worktree add
// /tmp/base <commit>`, node_modules copied, `npm run build`), and a bare undici client to the
// same receiver, all in the same run.
// Both servers (`dist/cli/main.js start`, durability `process`, log level warn) run at once, each
// in its own process, with one receiver (bench/_deliver-receiver.ts, bare node:http answering 204)
// and the load generator (bench/_deliver-load.ts, undici) in processes of their own. Each round
// measures, in an order that alternates between rounds: for each server, a backlog of
// DRAIN_DELIVERIES held by a near-zero rate limit, then released (the rule is put again without
// it), deliveries/s while it drains (the middle 80%); and the bare undici client at 32 requests in
// flight (the server's default concurrency per target) for DURATION_MS. Goals (issue 14): this
// build ≥ 1.5× the base and ≥ 60% of bare undici, by the median of the per-round ratios (with a
// bootstrap 90% interval of that median): the machine's speed drifts between rounds, a ratio
// within one round compares like with like.
import os from 'node:os';
import path from 'node:path';
import type { LoadResult, LoadSpec } from './_deliver-load.js';
import { machineLine } from './_machine.js';
import { api, cpuSeconds, firstLine, root, sleep, startBuiltServer, stopChildren, tsx } from './_processes.js';
import { median, medianInterval } from './_stats.js';

const BASE = process.env.BENCH_BASE;
if (BASE === undefined || BASE === '') {
  console.log('skipped: set BENCH_BASE to a checkout with dist/ built (the build to compare with)');
  process.exit(0);
}
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const DRAIN_DELIVERIES = 30_000 * SCALE;
const DRAIN_TIMEOUT_MS = 40_000;
const FILL_BATCH = 100;
const WARMUP_MS = 1000;
const DURATION_MS = 4000;
const PAUSED = { perSecond: 0.001, burst: 1 };

interface Build { readonly name: 'base' | 'this'; readonly url: string; readonly pid: number }

const loadLine = (): string => `load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}`;
const fmt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n));


async function load(spec: LoadSpec): Promise<LoadResult> {
  return JSON.parse(await firstLine(tsx('bench/_deliver-load.ts', [JSON.stringify(spec)]))) as LoadResult;
}

const events = async (rx: string): Promise<number> => ((await api(rx, 'GET', '/_stats?from=0&to=0')) as { events: number }).events;

async function putRule(b: Build, bus: string, rx: string, extra: Record<string, unknown>): Promise<void> {
  await api(b.url, 'PUT', `/v1/buses/${bus}/rules/r`, { filter: { pattern: { source: ['urn:bench:shop'] } }, targets: [{ id: 't0', kind: 'http', url: `${rx}/${b.name}`, ...extra }] });
}

/** One drain on one build: backlog held, released, deliveries/s over the middle 80%; server CPU per delivery. */
async function drain(b: Build, rx: string, round: number): Promise<{ rate: number; cpuUs: number }> {
  const bus = `r${round}`;
  await api(b.url, 'POST', '/v1/buses', { name: bus, retention: { maxAgeMs: null, maxCount: null } });
  await putRule(b, bus, rx, { rateLimit: PAUSED });
  const fill = await load({ mode: 'fill', url: b.url, bus, count: DRAIN_DELIVERIES, batchSize: FILL_BATCH, connections: 4, maxMs: 30_000, runId: `${b.name}${round}` });
  await sleep(300);
  await api(rx, 'POST', '/_reset');
  const expected = fill.events - 1; // the target sent its one burst token before the reset
  const cpu0 = cpuSeconds(b.pid);
  await putRule(b, bus, rx, {});
  const start = performance.now();
  let t10: number | undefined;
  let t90: number | undefined;
  let last = 0;
  while (performance.now() - start < DRAIN_TIMEOUT_MS) {
    last = await events(rx);
    const t = performance.now();
    if (t10 === undefined && last >= 0.1 * expected) t10 = t;
    if (t90 === undefined && last >= 0.9 * expected) t90 = t;
    if (last >= expected) break;
    await sleep(20);
  }
  const cpu = cpuSeconds(b.pid) - cpu0;
  await api(b.url, 'DELETE', `/v1/buses/${bus}/rules/r`);
  const rate = t10 === undefined || t90 === undefined ? last / ((performance.now() - start) / 1000) : (0.8 * expected) / ((t90 - t10) / 1000);
  return { rate, cpuUs: (1e6 * cpu) / Math.max(1, last) };
}

console.log(machineLine());
console.log(`${loadLine()} at start; base ${BASE}, this ${root}; ${ROUNDS} rounds; ${fmt(DRAIN_DELIVERIES)} deliveries per drain, unbatched, one target`);
const rx = await firstLine(tsx('bench/_deliver-receiver.ts', []));
const base: Build = { name: 'base', ...(await startBuiltServer(path.resolve(BASE), 'swy-bench-ab-')) };
const mine: Build = { name: 'this', ...(await startBuiltServer(root, 'swy-bench-ab-')) };

// Warm-up round, not counted: the first traffic after start runs slow (V8 compiles the hot paths).
for (const b of [base, mine]) await drain(b, rx, 0);

const rows: { base: number; mine: number; undici: number; undiciCpu: number; baseCpu: number; mineCpu: number }[] = [];
console.log('\nround | base /s | this /s | bare undici /s | this ÷ base | this ÷ undici | base server CPU µs/delivery | this server CPU µs/delivery | bare undici client CPU µs/request');
for (let round = 1; round <= ROUNDS; round++) {
  const order = round % 2 === 1 ? [base, mine] : [mine, base];
  const got: Partial<Record<Build['name'], { rate: number; cpuUs: number }>> = {};
  let undici = { rate: NaN, cpuUs: NaN };
  const runUndici = async (): Promise<void> => {
    const r = await load({ mode: 'max', url: rx, bus: '', direct: true, connections: 32, warmupMs: WARMUP_MS, durationMs: DURATION_MS, runId: `u${round}` });
    undici = { rate: r.requests / r.seconds, cpuUs: r.cpuUsPerRequest };
  };
  if (round % 3 === 0) await runUndici();
  for (const b of order) got[b.name] = await drain(b, rx, round);
  if (round % 3 !== 0) await runUndici();
  const row = { base: got.base!.rate, mine: got.this!.rate, undici: undici.rate, undiciCpu: undici.cpuUs, baseCpu: got.base!.cpuUs, mineCpu: got.this!.cpuUs };
  rows.push(row);
  console.log(`${round} | ${fmt(row.base)} | ${fmt(row.mine)} | ${fmt(row.undici)} | ${(row.mine / row.base).toFixed(2)}× | ${((100 * row.mine) / row.undici).toFixed(0)}% | ${fmt(row.baseCpu)} | ${fmt(row.mineCpu)} | ${fmt(row.undiciCpu)}`);
}
stopChildren();

const vsBase = rows.map((r) => r.mine / r.base);
const vsUndici = rows.map((r) => r.mine / r.undici);
const [bLo, bHi] = medianInterval(vsBase);
const [uLo, uHi] = medianInterval(vsUndici);
console.log(`\n${loadLine()} at end`);
console.log(`medians: base ${fmt(median(rows.map((r) => r.base)))}/s, this ${fmt(median(rows.map((r) => r.mine)))}/s, bare undici ${fmt(median(rows.map((r) => r.undici)))}/s; ` +
  `server CPU per delivery: base ${fmt(median(rows.map((r) => r.baseCpu)))} µs, this ${fmt(median(rows.map((r) => r.mineCpu)))} µs; ` +
  `bare undici client CPU per request ${fmt(median(rows.map((r) => r.undiciCpu)))} µs`);
const goal = (ok: boolean): string => (ok ? 'met' : 'MISSED');
console.log(`goal this ≥ 1.5× base: median of per-round ratios ${median(vsBase).toFixed(2)}× (90% interval ${bLo.toFixed(2)} … ${bHi.toFixed(2)}) — ${goal(median(vsBase) >= 1.5)}`);
console.log(`goal this ≥ 60% of bare undici: median of per-round ratios ${(100 * median(vsUndici)).toFixed(0)}% (90% interval ${(100 * uLo).toFixed(0)} … ${(100 * uHi).toFixed(0)}%) — ${goal(median(vsUndici) >= 0.6)}`);
process.exit(0);
