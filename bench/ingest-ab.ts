// `npm run bench:ingest-ab` (BENCH_BASE=<a built checkout of the base commit>): the put path of
// this build against the base build over HTTP, alternated in the same run, with the storage
// ceiling measured in every round. Each round starts both built servers (`dist/cli/main.js
// start`, durability `process`, log level warn, one bus), loads each with 100-event batches
// (4 connections) and with single binary puts (32 connections), the order of the two builds
// flipped every round, then runs the store ceiling (SqliteStore append of 100-event batches,
// 4 in flight, this tree's store, no HTTP). Printed: per round events/s and server CPU µs per
// event (all threads, over the measured window); then the median, over pairs of rounds of
// opposite order, of the geometric mean of their two ratios (this / base, batch / store
// ceiling) with a bootstrap 90% interval.
// Goals (issue 22): batches ≥ 80% of the store ceiling and ≥ 35,000 events/s on a quiet machine;
// single puts keep their CPU per put (ratio within noise of 1).
import os from 'node:os';
import path from 'node:path';
import type { LoadResult, LoadSpec } from './_ingest-load.js';
import { storeCeiling } from './_ingest-store.js';
import { machineLine } from './_machine.js';
import { api, firstLine, root, startBuiltServer, stopChildren, tsx } from './_processes.js';
import { median, medianInterval } from './_stats.js';

// Even: the build that runs second in a round does worse (seen 7 Dec at load 15: the second
// single-put load lost up to 3×), so the verdict pairs rounds 2k and 2k + 1, whose orders are
// opposite, and takes the geometric mean of the two ratios before the median.
const ROUNDS = 2 * Math.max(1, Math.round(Number(process.env.BENCH_ROUNDS ?? 6) / 2));
const WARMUP_MS = 1000;
const DURATION_MS = 4000;
const base = process.env.BENCH_BASE;
if (base === undefined) {
  console.log('skipped: set BENCH_BASE to a checkout with dist/ built (the build to compare with)');
  process.exit(0);
}



async function load(url: string, pid: number, mode: 'single' | 'batch', runId: string): Promise<{ evs: number; cpuUs: number }> {
  const spec: LoadSpec = mode === 'batch'
    ? { url, bus: 'bench', mode, batchSize: 100, connections: 4, warmupMs: WARMUP_MS, durationMs: DURATION_MS, runId, serverPid: pid }
    : { url, bus: 'bench', mode, batchSize: 1, connections: 32, warmupMs: WARMUP_MS, durationMs: DURATION_MS, runId, serverPid: pid };
  const r = JSON.parse(await firstLine(tsx('bench/_ingest-load.ts', [JSON.stringify(spec)]))) as LoadResult;
  return { evs: r.events / r.seconds, cpuUs: (1e6 * (r.serverCpuSeconds ?? NaN)) / r.events };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const loadLine = (): string => `load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}`;
console.log(machineLine());
console.log(`this: ${root}, base: ${path.resolve(base)}; ${ROUNDS} rounds, ${WARMUP_MS / 1000} s warm-up + ${DURATION_MS / 1000} s measured per load`);
console.log(`before: ${loadLine()}`);

interface Round { base: { batch: { evs: number; cpuUs: number }; single: { evs: number; cpuUs: number } }; mine: Round['base']; store: { evs: number; cpuUs: number } }
const rounds: Round[] = [];
console.log('round | batch ev/s base (CPU µs/ev) | batch this | single ev/s base (CPU µs/ev) | single this | store ceiling ev/s (CPU µs/ev)');
for (let i = 0; i < ROUNDS; i++) {
  const servers = { mine: await startBuiltServer(root, 'swy-ab-'), base: await startBuiltServer(path.resolve(base), 'swy-ab-') };
  for (const s of Object.values(servers)) await api(s.url, 'POST', '/v1/buses', { name: 'bench' });
  const order: ('mine' | 'base')[] = i % 2 === 0 ? ['mine', 'base'] : ['base', 'mine'];
  const got: Partial<Record<'mine' | 'base', Round['base']>> = {};
  for (const who of order) got[who] = { batch: await load(servers[who].url, servers[who].pid, 'batch', `b${i}`), single: { evs: NaN, cpuUs: NaN } };
  for (const who of order) got[who]!.single = await load(servers[who].url, servers[who].pid, 'single', `s${i}`);
  stopChildren();
  const st = await storeCeiling(100, 4, WARMUP_MS, DURATION_MS);
  const r: Round = { base: got.base!, mine: got.mine!, store: { evs: st.events / st.seconds, cpuUs: st.cpuUsPerEvent } };
  rounds.push(r);
  const c = (x: { evs: number; cpuUs: number }): string => `${fmt(x.evs)} (${x.cpuUs.toFixed(1)})`;
  console.log(`${i + 1} | ${c(r.base.batch)} | ${c(r.mine.batch)} | ${c(r.base.single)} | ${c(r.mine.single)} | ${c(r.store)}`);
}
console.log(`after: ${loadLine()}`);
/** Per pair of rounds (opposite orders): the geometric mean of their two ratios. */
const paired = (xs: readonly number[]): number[] => xs.flatMap((x, i) => (i % 2 === 1 ? [Math.sqrt(x * xs[i - 1]!)] : []));
const line = (name: string, all: number[], unit = '×'): void => {
  const xs = paired(all);
  const [lo, hi] = medianInterval(xs);
  const f = (x: number): string => (unit === '%' ? `${(100 * x).toFixed(0)}%` : `${x.toFixed(3)}×`);
  console.log(`${name}: median of per-pair ratios ${f(median(xs))} (90% interval ${f(lo)} … ${f(hi)})`);
};
line('batch events/s, this / base', rounds.map((r) => r.mine.batch.evs / r.base.batch.evs));
line('batch server CPU per event, this / base', rounds.map((r) => r.mine.batch.cpuUs / r.base.batch.cpuUs));
line('single events/s, this / base', rounds.map((r) => r.mine.single.evs / r.base.single.evs));
line('single server CPU per event, this / base', rounds.map((r) => r.mine.single.cpuUs / r.base.single.cpuUs));
line('batch this / store ceiling', rounds.map((r) => r.mine.batch.evs / r.store.evs), '%');
line('batch base / store ceiling', rounds.map((r) => r.base.batch.evs / r.store.evs), '%');
const batchEvs = median(rounds.map((r) => r.mine.batch.evs));
console.log(`goal (issue 22): batches ≥ 80% of the store ceiling and ≥ 35,000 events/s: this build's median ${fmt(batchEvs)} events/s, ` +
  `${(100 * median(rounds.map((r) => r.mine.batch.evs / r.store.evs))).toFixed(0)}% — ${batchEvs >= 35_000 && median(rounds.map((r) => r.mine.batch.evs / r.store.evs)) >= 0.8 ? 'met' : 'MISSED'}`);
process.exit(0);
