#!/usr/bin/env node
// Builds dist/ only when a source is newer than the last successful build, so `npm start` and
// `npm test` do not pay for a compile (seconds, up to a minute on a busy 2-core machine) when
// dist/ is already up to date. The stamp is written after tsc succeeds; tsc itself is
// incremental (tsconfig.build.json), so a stale build recompiles only what changed.
//
// Stale when: no stamp, or any file or folder under src/ (a folder's mtime changes when a file
// is added, renamed or removed) or a build input at the top level is newer than the stamp.
// `--check` prints "fresh" or "stale" and exits 0 / 1 without building; `--force` builds anyway
// (`npm run build`).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const inputs = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** The newest mtime (ms) of a folder and everything below it. */
function newest(dir) {
  let max = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

function stale() {
  let built;
  try {
    built = statSync(stamp).mtimeMs;
  } catch {
    return true;
  }
  const top = inputs.map((f) => statSync(path.join(root, f), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  return Math.max(newest(path.join(root, 'src')), ...top) > built;
}

// packages/client (@switchyard/client) is its own tsc project with its own stamp: built when
// its src/ or its tsconfig/package.json is newer than packages/client/dist/.build-stamp.
const client = path.join(root, 'packages', 'client');
const clientStamp = path.join(client, 'dist', '.build-stamp');
function clientStale() {
  const built = statSync(clientStamp, { throwIfNoEntry: false })?.mtimeMs;
  if (built === undefined) return true;
  const top = ['tsconfig.json', 'package.json'].map((f) => statSync(path.join(client, f)).mtimeMs);
  return Math.max(newest(path.join(client, 'src')), ...top) > built;
}

if (process.argv.includes('--check')) {
  const s = stale() || clientStale();
  process.stdout.write(s ? 'stale\n' : 'fresh\n');
  process.exit(s ? 1 : 0);
}
if (process.argv.includes('--force') || stale()) {
  // The stamp carries the build's start time: a source saved while tsc runs stays newer.
  const started = new Date();
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  } catch (e) {
    process.exit(typeof e.status === 'number' ? e.status : 1); // tsc has printed its errors
  }
  mkdirSync(path.dirname(stamp), { recursive: true });
  writeFileSync(stamp, `${started.toISOString()}\n`);
  utimesSync(stamp, started, started);
}
if (process.argv.includes('--force') || clientStale()) {
  const started = new Date();
  try {
    execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(client, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
  } catch (e) {
    process.exit(typeof e.status === 'number' ? e.status : 1);
  }
  writeFileSync(clientStamp, `${started.toISOString()}\n`);
  utimesSync(clientStamp, started, started);
}
