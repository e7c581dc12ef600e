#!/usr/bin/env node
// `npm run cluster:demo`: three Switchyard cluster nodes on this machine (ports 8081, 8082,
// 8083, or --base-port N for N+1..N+3) over the local NATS JetStream (nats://127.0.0.1:4222) and
// PostgreSQL (postgres://postgres@127.0.0.1:5432/postgres, schema switchyard_demo). Ctrl-C stops
// them. A demo: the secret key below is fixed and public, never use it for real secrets.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const at = process.argv.indexOf('--base-port');
const base = at > 0 ? Number(process.argv[at + 1]) : 8080;
const env = {
  ...process.env,
  SWITCHYARD_STORAGE_KIND: 'cluster',
  SWITCHYARD_STORAGE_NATS_SERVERS: process.env.SWITCHYARD_STORAGE_NATS_SERVERS ?? '["nats://127.0.0.1:4222"]',
  SWITCHYARD_STORAGE_NATS_STREAM_PREFIX: process.env.SWITCHYARD_STORAGE_NATS_STREAM_PREFIX ?? 'DEMO',
  SWITCHYARD_STORAGE_POSTGRES_URL: process.env.SWITCHYARD_STORAGE_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  SWITCHYARD_STORAGE_POSTGRES_SCHEMA: process.env.SWITCHYARD_STORAGE_POSTGRES_SCHEMA ?? 'switchyard_demo',
  SWITCHYARD_DELIVERY_SECRET_KEY: process.env.SWITCHYARD_DELIVERY_SECRET_KEY ?? Buffer.from('switchyard-cluster-demo-key-0001').toString('base64'),
  SWITCHYARD_LOG_LEVEL: process.env.SWITCHYARD_LOG_LEVEL ?? 'warn',
};

const nodes = [1, 2, 3].map((i) => {
  const port = base + i;
  const dataDir = mkdtempSync(path.join(tmpdir(), `swy-demo-${i}-`));
  const child = spawn(process.execPath, [path.join(root, 'dist/cli/main.js'), 'start', '--port', String(port), '--data-dir', dataDir], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`node ${i} (port ${port}) exited (code ${code}, signal ${signal}); stopping the demo`);
      stop(1);
    }
  });
  return { i, port, child };
});

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const n of nodes) n.child.kill('SIGTERM');
  Promise.all(nodes.map((n) => new Promise((r) => (n.child.exitCode !== null ? r() : n.child.once('exit', r))))).then(() => process.exit(code));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

for (const n of nodes) {
  for (let tries = 0; ; tries++) {
    const ok = await fetch(`http://127.0.0.1:${n.port}/readyz`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (tries > 300 || stopping) {
      if (!stopping) console.error(`node ${n.i} did not become ready on port ${n.port}`);
      stop(1);
      await new Promise(() => {});
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log(`node ${n.i}: http://127.0.0.1:${n.port}`);
}
console.log('three nodes ready (NATS stream prefix DEMO, PostgreSQL schema switchyard_demo); Ctrl-C stops them');
