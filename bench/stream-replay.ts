// `npm run bench:stream` (issue 16): streaming figures measured against a same-run reference.
// The replay half is in bench/_stream-replay.ts (replay of 100,000 stored events through a
// pattern to a bus target vs live batched ingest; goal ≥ 50%).
import os from 'node:os';
import { machineLine } from './_machine.js';
import { startServer, stopChildren } from './_processes.js';
import { STORED_EVENTS, prepareReplay, replayRound, type ReplayRound } from './_stream-replay.js';
import { median } from './_stats.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

console.log(machineLine());
console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}`);
const server = await startServer('swy-bench-stream-', {}, 30_000);
const t0 = performance.now();
await prepareReplay(server.url);
console.log(`replay: ${STORED_EVENTS} events stored in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const rounds: ReplayRound[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const r = await replayRound(server.url, server.pid, i);
  rounds.push(r);
  console.log(`round ${i + 1}: live batched ingest ${Math.round(r.liveEventsPerSecond)} ev/s · replay ${Math.round(r.replayEventsPerSecond)} ev/s (${r.forwarded} forwarded to the bus target) · ratio ${(r.ratio * 100).toFixed(1)}%`);
}
const ratios = rounds.map((r) => r.ratio);
console.log(`replay of ${STORED_EVENTS} stored events through a pattern to a bus target: median ${(median(ratios) * 100).toFixed(1)}% of live batched ingest `
  + `(min ${(Math.min(...ratios) * 100).toFixed(1)}%, max ${(Math.max(...ratios) * 100).toFixed(1)}%, ${ROUNDS} rounds; goal ≥ 50%); `
  + `median replay ${Math.round(median(rounds.map((r) => r.replayEventsPerSecond)))} ev/s, live ${Math.round(median(rounds.map((r) => r.liveEventsPerSecond)))} ev/s`);
stopChildren();
