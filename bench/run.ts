// `npm run bench [name…]`: runs bench/<name>.ts for each name given, or every benchmark.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .sort();
/** Named groups of benchmarks (`npm run bench:stream` runs the `stream` group). */
const GROUPS: Readonly<Record<string, readonly string[]>> = {
  stream: ['stream-replay', 'stream-queues'],
};
const names = process.argv.slice(2).length > 0 ? process.argv.slice(2).flatMap((n) => GROUPS[n] ?? [n]) : all;
let failed = false;
for (const name of names) {
  if (!all.includes(name)) {
    console.error(`unknown benchmark "${name}"; have: ${all.join(', ')}`);
    process.exit(2);
  }
  console.log(`\n=== bench:${name} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', `${dir}${name}.ts`], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
