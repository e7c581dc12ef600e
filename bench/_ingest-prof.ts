// Profiling helper (not a benchmark): starts the built server of a checkout with --cpu-prof,
// loads it with 100-event batches (or single puts) for a few seconds, stops it (SIGTERM writes
// the profile), then prints the self time per function, heaviest first.
// Usage: node --import tsx bench/_ingest-prof.ts <checkout> <profile-dir> [batch|single]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { LoadResult, LoadSpec } from './_ingest-load.js';
import { api, firstLine, sleep, startBuiltServer, stopChildren, tsx } from './_processes.js';

const [checkout = '.', profDir = '/tmp/ingprof', mode = 'batch'] = process.argv.slice(2);
const server = await startBuiltServer(path.resolve(checkout), 'swy-prof-', {}, ['--cpu-prof', `--cpu-prof-dir=${profDir}`]);
await api(server.url, 'POST', '/v1/buses', { name: 'bench' });
const spec: LoadSpec = mode === 'batch'
  ? { url: server.url, bus: 'bench', mode: 'batch', batchSize: 100, connections: 4, warmupMs: 1000, durationMs: 6000, runId: 'p' }
  : { url: server.url, bus: 'bench', mode: 'single', batchSize: 1, connections: 32, warmupMs: 1000, durationMs: 6000, runId: 'p' };
const c = tsx('bench/_ingest-load.ts', [JSON.stringify(spec)]);
const r = JSON.parse(await firstLine(c)) as LoadResult;
console.log(`events/s ${(r.events / r.seconds).toFixed(0)}, events ${r.allEvents}`);
process.kill(server.pid, 'SIGTERM');
await sleep(3000);
stopChildren();

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }
// The main thread's profile is the largest (worker threads write their own, smaller ones).
const file = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'))
  .map((f) => ({ f, size: statSync(path.join(profDir, f)).size })).sort((a, b) => b.size - a.size)[0]!.f;
const prof = JSON.parse(readFileSync(path.join(profDir, file), 'utf8')) as Profile;
const self = new Map<number, number>();
prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
const byFn = new Map<string, number>();
let total = 0;
for (const n of prof.nodes) {
  const t = self.get(n.id) ?? 0;
  total += t;
  const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
  byFn.set(key, (byFn.get(key) ?? 0) + t);
}
console.log(`profile ${file}: ${(total / 1e6).toFixed(2)} s sampled, µs per event below = self time / ${r.allEvents} events`);
console.log('-- self time');
for (const [k, t] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 45)) console.log(`${(t / r.allEvents).toFixed(2).padStart(7)} µs  ${k}`);
// Inclusive time (the function and everything it called), for dist/ functions.
const parent = new Map<number, number>();
const keyOf = new Map<number, string>();
for (const n of prof.nodes) {
  keyOf.set(n.id, `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${n.callFrame.lineNumber + 1}`);
  for (const ch of n.children ?? []) parent.set(ch, n.id);
}
const incl = new Map<string, number>();
prof.samples.forEach((id, i) => {
  const seen = new Set<string>();
  for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) seen.add(keyOf.get(x)!);
  for (const k of seen) incl.set(k, (incl.get(k) ?? 0) + (prof.timeDeltas[i] ?? 0));
});
console.log('-- inclusive time (dist/ and better-sqlite3)');
for (const [k, t] of [...incl].filter(([k]) => / (dist|node_modules\/better-sqlite3)\//.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 70)) console.log(`${(t / r.allEvents).toFixed(2).padStart(7)} µs  ${k}`);
process.exit(0);
