// `npm run bench:ingest-decode-ab` (BENCH_BASE=<a checkout of the base commit, source tree>): the
// put path's decode of this tree against the base, each pass in its own process (a module loaded
// twice in one process shares its inline caches and skews the second), the two alternated and
// the order flipped every round. Per round: CPU µs per event of decodeHttpRequest for the
// bench:ingest bodies (100-event batch; single binary-mode put) and of the batch's decode plus
// serializeEvent (bench/_ingest-decode.ts). Verdict: the median of the per-round ratios
// (this / base) with a bootstrap 90% interval.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { machineLine } from './_machine.js';
import { root } from './_processes.js';
import { median, medianInterval } from './_stats.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const base = process.env.BENCH_BASE;
if (base === undefined) {
  console.log('skipped: set BENCH_BASE to a checkout (source tree with node_modules) to compare with');
  process.exit(0);
}

interface Costs { batch: number; batchSerialized: number; single: number }
const run = (tree: string): Costs =>
  JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', 'bench/_ingest-decode.ts', tree], { cwd: root, encoding: 'utf8' })) as Costs;


console.log(machineLine());
console.log(`this: ${root}, base: ${path.resolve(base)}; ${ROUNDS} rounds; load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}`);
console.log('round | batch µs/ev base → this | batch + serialize base → this | single binary base → this');
const rows: { mine: Costs; base: Costs }[] = [];
for (let i = 0; i < ROUNDS; i++) {
  let mine: Costs, other: Costs;
  if (i % 2 === 0) {
    mine = run(root);
    other = run(path.resolve(base));
  } else {
    other = run(path.resolve(base));
    mine = run(root);
  }
  rows.push({ mine, base: other });
  console.log(`${i + 1} | ${other.batch.toFixed(2)} → ${mine.batch.toFixed(2)} | ${other.batchSerialized.toFixed(2)} → ${mine.batchSerialized.toFixed(2)} | ${other.single.toFixed(2)} → ${mine.single.toFixed(2)}`);
}
for (const k of ['batch', 'batchSerialized', 'single'] as const) {
  const ratios = rows.map((r) => r.mine[k] / r.base[k]);
  const [lo, hi] = medianInterval(ratios);
  console.log(`${k}: this / base CPU per event, median of per-round ratios ${median(ratios).toFixed(3)}× (90% interval ${lo.toFixed(3)} … ${hi.toFixed(3)}); ` +
    `medians ${median(rows.map((r) => r.base[k])).toFixed(2)} → ${median(rows.map((r) => r.mine[k])).toFixed(2)} µs`);
}
console.log(`load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}`);
