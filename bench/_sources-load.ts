// The load generator of bench:sources, run in its own process: an undici Pool with `connections`
// keep-alive connections, each posting back to back for warmupMs + durationMs, either plain
// binary CloudEvent puts or GitHub-style signed webhooks to a webhook source (the same JSON
// payload either way). Only answers inside the measured window count. Prints one JSON line.
import { createHmac } from 'node:crypto';
import { Pool } from 'undici';
import { serverCpuWindow } from './_server-cpu.js';

export interface SourcesLoadSpec {
  readonly url: string;
  readonly mode: 'binary' | 'github';
  /** binary: the bus; github: the source. */
  readonly name: string;
  /** github: the webhook secret the source verifies with. */
  readonly secret: string;
  readonly connections: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly runId: string;
  readonly serverPid?: number;
}

export interface SourcesLoadResult {
  readonly ok: number;
  readonly errors: number;
  readonly seconds: number;
  readonly p99Ms: number;
  readonly serverCpuSeconds?: number;
}

/** A GitHub push payload of about 1 KiB (the fields the preset reads, and some bulk). */
export const PAYLOAD = JSON.stringify({
  ref: 'refs/heads/main', before: '6113728f27ae82c7b1a177c8d03f9e96e0adf246', after: '0000000000000000000000000000000000000000',
  repository: { id: 186853002, name: 'hello-world', full_name: 'octo/hello-world', html_url: 'https://github.com/octo/hello-world', private: false },
  pusher: { name: 'octocat', email: 'octocat@github.com' },
  sender: { login: 'octocat', id: 21031067, type: 'User', site_admin: false },
  commits: [{ id: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c', message: 'Update README.md', timestamp: '2026-03-01T10:00:00Z', author: { name: 'Octo Cat', email: 'octocat@github.com' }, added: [], removed: [], modified: ['README.md'] }],
  head_commit: { id: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c', message: 'Update README.md', timestamp: '2026-03-01T10:00:00Z' },
});

const spec = JSON.parse(process.argv[2]!) as SourcesLoadSpec;
const pool = new Pool(spec.url, { connections: spec.connections, pipelining: 1, keepAliveTimeout: 60_000 });
const signature = `sha256=${createHmac('sha256', spec.secret).update(PAYLOAD).digest('hex')}`;
const path = spec.mode === 'binary' ? `/v1/buses/${spec.name}/events` : `/v1/sources/${spec.name}/webhook`;
const headers = (id: string): Record<string, string> => spec.mode === 'binary'
  ? { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': id, 'ce-source': 'https://github.com/octo/hello-world', 'ce-type': 'com.github.push', 'ce-subject': 'octo/hello-world' }
  : { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': id, 'x-hub-signature-256': signature };

const latencies: number[] = [];
let ok = 0;
let errors = 0;
let counter = 0;
const start = performance.now();
const measureFrom = start + spec.warmupMs;
const end = measureFrom + spec.durationMs;
const serverCpu = spec.serverPid === undefined ? undefined : serverCpuWindow(spec.serverPid, spec.warmupMs, spec.durationMs);

async function loop(): Promise<void> {
  while (performance.now() < end) {
    const id = `${spec.runId}-${counter++}`;
    const t0 = performance.now();
    const res = await pool.request({ path, method: 'POST', headers: headers(id), body: PAYLOAD });
    await res.body.dump();
    const t1 = performance.now();
    if (t1 < measureFrom || t1 > end) continue;
    if (res.statusCode === 202) ok++;
    else errors++;
    latencies.push(t1 - t0);
  }
}

await Promise.all(Array.from({ length: spec.connections }, () => loop()));
await pool.close();
latencies.sort((a, b) => a - b);
const result: SourcesLoadResult = {
  ok, errors, seconds: spec.durationMs / 1000,
  p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(0.99 * latencies.length))] ?? Number.NaN,
  serverCpuSeconds: await serverCpu,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
