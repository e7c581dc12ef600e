#!/usr/bin/env node
// Builds dist/ only when a source is newer than the last successful build, so `npm start` and
// `npm test` do not pay for a compile (seconds, up to a minute on a busy 2-core machine) when
// dist/ is already up to date. Three builds, each with its own stamp written after it succeeds:
// the server (tsc, incremental: tsconfig.build.json) into dist/, the web console (Vite,
// console/vite.config.mjs) into dist/console/, and the typed client (tsc) into packages/client/dist/.
//
// Stale when: no stamp, or any file or folder under the build's sources (src/, or console/; a
// folder's mtime changes when a file is added, renamed or removed) or one of its inputs at the
// top level is newer than its stamp. `--check` prints "fresh" or "stale" and exits 0 / 1
// without building; `--force` builds all anyway (`npm run build`).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const builds = [
  {
    name: 'server',
    stamp: path.join(root, 'dist', '.build-stamp'),
    sources: [path.join(root, 'src')],
    inputs: ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'],
    command: [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.build.json')],
  },
  {
    name: 'console',
    // Outside dist/console/: Vite empties its output folder before writing.
    stamp: path.join(root, 'dist', '.console-build-stamp'),
    sources: [path.join(root, 'console')],
    inputs: ['package-lock.json'],
    command: [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', path.join(root, 'console', 'vite.config.mjs')],
  },
  {
    // The typed client (packages/client, @switchyard/client): its own tsc project into its dist/.
    name: 'client',
    stamp: path.join(root, 'packages', 'client', 'dist', '.build-stamp'),
    sources: [path.join(root, 'packages', 'client', 'src')],
    inputs: ['packages/client/tsconfig.json', 'packages/client/package.json'],
    command: [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'packages', 'client', 'tsconfig.json')],
  },
];

/** The newest mtime (ms) of a folder and everything below it. */
function newest(dir) {
  let max = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

function stale(b) {
  let built;
  try {
    built = statSync(b.stamp).mtimeMs;
  } catch {
    return true;
  }
  const top = b.inputs.map((f) => statSync(path.join(root, f), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  return Math.max(...b.sources.map(newest), ...top) > built;
}

if (process.argv.includes('--check')) {
  const s = builds.some(stale);
  process.stdout.write(s ? 'stale\n' : 'fresh\n');
  process.exit(s ? 1 : 0);
}
const force = process.argv.includes('--force');
for (const b of builds) {
  if (!force && !stale(b)) continue;
  // The stamp carries the build's start time: a source saved while it runs stays newer.
  const started = new Date();
  try {
    execFileSync(process.execPath, b.command, { cwd: root, stdio: 'inherit' });
  } catch (e) {
    process.stderr.write(`build-if-stale: the ${b.name} build failed\n`);
    process.exit(typeof e.status === 'number' ? e.status : 1); // the build has printed its errors
  }
  mkdirSync(path.dirname(b.stamp), { recursive: true });
  writeFileSync(b.stamp, `${started.toISOString()}\n`);
  utimesSync(b.stamp, started, started);
}
