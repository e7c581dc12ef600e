// Private engine instances for fault tests: a nats-server with JetStream and a PostgreSQL
// cluster made with initdb, each on a free port with its own directory, so stopping them leaves
// the machine's shared services up for other tests. Under root, PostgreSQL runs as `postgres`
// (initdb refuses root) in a directory that user owns.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { freePort } from '../e2e/_child.js';

const NATS_SERVER = '/usr/sbin/nats-server';
const PG_BIN = '/usr/local/bin';

export interface PrivateNats {
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  remove(): Promise<void>;
}

async function waitPort(port: number, up: boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const net = await import('node:net');
  const started = Date.now();
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (open === up) return;
    if (Date.now() - started > timeoutMs) throw new Error(`${what} did not ${up ? 'open' : 'close'} port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startPrivateNats(): Promise<PrivateNats> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-nats-'));
  let proc: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    proc = spawn(NATS_SERVER, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: 'ignore' });
    await waitPort(port, true, 'nats-server');
  };
  const stop = async (): Promise<void> => {
    const p = proc;
    proc = undefined;
    if (p === undefined || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
    await waitPort(port, false, 'nats-server');
  };
  await start();
  return { url: `nats://127.0.0.1:${port}`, start, stop, remove: async () => { await stop(); rmSync(dir, { recursive: true, force: true }); } };
}

export interface PrivatePostgres {
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  remove(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = userInfo().uid === 0;
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  const run = (cmd: string, args: readonly string[]): void => {
    const full = path.join(PG_BIN, cmd);
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', full, ...args], { stdio: 'ignore' });
    else execFileSync(full, [...args], { stdio: 'ignore' });
  };
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = async (): Promise<void> => {
    run('pg_ctl', ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', 'start']);
    await waitPort(port, true, 'postgres');
  };
  const stop = async (): Promise<void> => {
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // not running
    }
    await waitPort(port, false, 'postgres');
  };
  await start();
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, start, stop, remove: async () => { await stop(); rmSync(dir, { recursive: true, force: true }); } };
}
