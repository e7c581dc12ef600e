// Child processes and temp dirs of a benchmark run: spawned through tsx, cleaned up on exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root (cwd of every child). */
export const root = fileURLToPath(new URL('../', import.meta.url));

const children: ChildProcess[] = [];
/** Temp dirs to remove when the benchmark exits; push the ones you create. */
export const dirs: string[] = [];
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Runs a TypeScript script in its own node process (stdout piped, stderr inherited); killed on exit. */
export function tsx(script: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const c = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(c);
  return c;
}

/** A TCP port free on 127.0.0.1 at the time of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** The first line a child writes on stdout (its ready line). */
export async function firstLine(c: ChildProcess): Promise<string> {
  for await (const line of createInterface({ input: c.stdout! })) return line;
  throw new Error('child ended without output');
}

/** Asks every child to stop (SIGTERM); the exit hook still SIGKILLs stragglers. */
export function stopChildren(): void {
  for (const c of children) c.kill('SIGTERM');
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `switchyard start` in its own process on a free port with a fresh data dir (removed on
 * exit), log level warn, and waits until /readyz answers 200.
 */
export async function startServer(dirPrefix: string, env: Record<string, string> = {}, readyWithinMs = 30_000): Promise<{ url: string; pid: number }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), dirPrefix));
  dirs.push(dataDir);
  const port = await freePort();
  const c = tsx('src/cli/main.ts', ['start', '--port', String(port), '--data-dir', dataDir], { SWITCHYARD_LOG_LEVEL: 'warn', ...env });
  c.stdout!.resume();
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + readyWithinMs; ;) {
    if ((await fetch(`${url}/readyz`).then((r) => r.status, () => 0)) === 200) break;
    if (Date.now() > deadline) throw new Error('server did not become ready');
    await sleep(50);
  }
  return { url, pid: c.pid! };
}

/**
 * Starts the built server of a checkout (`<checkout>/dist/cli/main.js start`, run with the
 * checkout as cwd) on a free port with a fresh data dir, log level warn; waits for /readyz.
 * Compares two builds in one run (bench:deliver-ab).
 */
export async function startBuiltServer(checkout: string, dirPrefix: string, env: Record<string, string> = {}, nodeArgs: readonly string[] = []): Promise<{ url: string; pid: number }> {
  const readyWithinMs = 30_000;
  const dataDir = mkdtempSync(path.join(tmpdir(), dirPrefix));
  dirs.push(dataDir);
  const port = await freePort();
  const c = spawn(process.execPath, [...nodeArgs, path.join(checkout, 'dist/cli/main.js'), 'start', '--port', String(port), '--data-dir', dataDir], {
    cwd: checkout, env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(c);
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + readyWithinMs; ;) {
    if ((await fetch(`${url}/readyz`).then((r) => r.status, () => 0)) === 200) break;
    if (Date.now() > deadline) throw new Error(`server of ${checkout} did not become ready`);
    await sleep(50);
  }
  return { url, pid: c.pid! };
}

/** One JSON call to the server's API; throws on a status ≥ 300. Answers the parsed body, if any. */
export async function api(base: string, method: string, url: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}${url}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

/** Resident set size and its peak of a process, in MiB (Linux /proc). */
export function rss(pid: number): { now: number; peak: number } {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? NaN);
    return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return { now: NaN, peak: NaN };
  }
}

/**
 * CPU time (user + system, all threads) a process has used so far, in seconds (Linux /proc;
 * USER_HZ 100). Unlike events/s it barely moves when other processes share the cores.
 */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}
