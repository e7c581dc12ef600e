// `npm run bench put-path-ab`: the in-process put path (IngestService.put of single events:
// checks, routing, group-committed append with one delivery each, on a SQLite file) of this
// checkout against another source tree (BENCH_BASE: e.g. `git archive <commit> src package.json
// tsconfig.json | tar -x -C /tmp/base`, node_modules linked), both loaded in this process through
// tsx. Each round runs both, in an order alternating between rounds, PUTS single-event puts with
// IN_FLIGHT in flight, and reports events/s and process CPU µs per put; the result is the median
// of the per-round ratios (this / base), with their range. No HTTP: what it isolates is the cost
// of the put path's own code (e.g. the delay and transaction checks of issue 16).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { machineLine } from './_machine.js';
import { median } from './_stats.js';

const BASE = process.env.BENCH_BASE;
if (BASE === undefined || BASE === '') {
  console.log('skipped: set BENCH_BASE to a source tree to compare with (see the header of bench/put-path-ab.ts)');
  process.exit(0);
}
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PUTS = Number(process.env.BENCH_PUTS ?? 20_000);
const IN_FLIGHT = 32;

/* eslint-disable @typescript-eslint/no-explicit-any -- two source trees loaded at run time: their modules are typed by neither */
interface Tree { store: any; ingest: any; events: any; core: any }

async function load(root: string): Promise<Tree> {
  const at = (p: string): Promise<any> => import(pathToFileURL(path.join(root, p)).href);
  return { store: await at('src/store/index.ts'), ingest: await at('src/ingest/index.ts'), events: await at('src/events/index.ts'), core: await at('src/core/index.ts') };
}

async function run(t: Tree, label: string): Promise<{ rate: number; cpuUs: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), `swy-putab-${label}-`));
  const store = new t.store.SqliteStore({
    dataDir: dir, durability: 'process', groupCommitMaxEvents: 5000, dedupeWindowMs: 24 * 3600_000,
    defaultRetentionMaxAgeMs: 7 * 24 * 3600_000, sweepBatch: 10_000, clock: t.core.systemClock, walCheckpointMs: 0,
  });
  try {
    await store.catalog.buses.create({ name: 'bench', retention: { maxAgeMs: null, maxCount: null } });
    const buses = { bus: (name: string) => (name === 'bench' ? { name, description: null, createdAt: 0, retention: { maxAgeMs: null, maxCount: null } } : undefined) };
    // One matched rule with one target per event: the append enqueues a delivery in its transaction.
    const router = { route: () => ['r'] };
    const planner = { deliveries: () => [{ rule: 'r', target: 't', group: null }] };
    const ingest = new t.ingest.IngestService({
      store, buses, router, planner, limits: { maxEventBytes: 262_144, maxBatchEvents: 1000, maxJsonDepth: 64 },
    });
    const origin = { kind: 'http', mode: 'binary', client: '127.0.0.1', traceparent: undefined };
    const data = { orderId: 1, customer: 'c-1', total: 42.5, items: [{ sku: 'a', qty: 1 }] };
    let next = 0;
    const one = async (): Promise<void> => {
      for (;;) {
        const n = next++;
        if (n >= PUTS) return;
        const ev = t.events.createEvent({ id: `e${n}`, source: '/bench', type: 'com.example.order.created', data: { kind: 'json', value: data } });
        const [o] = await ingest.put('bench', [ev], origin, { atomic: true });
        if (o.type !== 'stored') throw new Error(`not stored: ${JSON.stringify(o)}`);
      }
    };
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(Array.from({ length: IN_FLIGHT }, one));
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return { rate: PUTS / seconds, cpuUs: (cpu.user + cpu.system) / PUTS };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */


const here = await load(path.resolve(import.meta.dirname, '..'));
const base = await load(path.resolve(BASE));
console.log(machineLine());
console.log(`put path A/B: ${PUTS} single-event puts, ${IN_FLIGHT} in flight, ${ROUNDS} rounds; base ${BASE}`);
const rateRatios: number[] = [];
const cpuRatios: number[] = [];
// One warm-up of each (JIT, page cache), not counted.
await run(base, 'warm-base');
await run(here, 'warm-here');
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? ['base', 'here'] as const : ['here', 'base'] as const;
  const res: Record<string, { rate: number; cpuUs: number }> = {};
  for (const which of order) res[which] = await run(which === 'base' ? base : here, which);
  const b = res.base!;
  const h = res.here!;
  rateRatios.push(h.rate / b.rate);
  cpuRatios.push(h.cpuUs / b.cpuUs);
  console.log(`round ${r + 1} (${order.join(' then ')}): base ${b.rate.toFixed(0)} puts/s (${b.cpuUs.toFixed(1)} CPU µs/put), this ${h.rate.toFixed(0)} puts/s (${h.cpuUs.toFixed(1)} CPU µs/put)`);
}
const range = (xs: number[]): string => `${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)}`;
console.log(`this / base: puts/s ${median(rateRatios).toFixed(3)}× (range ${range(rateRatios)}), CPU per put ${median(cpuRatios).toFixed(3)}× (range ${range(cpuRatios)})`);
