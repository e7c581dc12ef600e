// Runs `switchyard start` as a child process (via tsx, so no build is needed) for the tests that
// must kill or signal the server: crash safety and graceful shutdown.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface ChildServer {
  readonly proc: ChildProcess;
  readonly url: string;
  readonly dataDir: string;
  /** Resolves when the process has exited, with its code and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
}

/** A TCP port that was free a moment ago (the child is told to listen on it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address() as net.AddressInfo;
      srv.close(() => resolve(addr.port));
    });
  });
}

export const tempDataDir = (): string => mkdtempSync(path.join(tmpdir(), 'swy-child-'));

/** Spawns `switchyard start` with the given args; does not wait for readiness. */
export function spawnSwitchyard(args: readonly string[], env: Record<string, string> = {}): { proc: ChildProcess; exited: ChildServer['exited']; stderr: () => string; stdout: () => string } {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'start', ...args], {
    cwd: repoRoot,
    env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  proc.stderr!.setEncoding('utf8').on('data', (c: string) => { err += c; });
  proc.stdout!.setEncoding('utf8').on('data', (c: string) => { out += c; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.once('exit', (code, signal) => {
      // Resolve once the pipes are drained. A grandchild (tsx's esbuild service) may hold them
      // open for seconds after a kill, so stop waiting for them shortly after the exit.
      const done = (): void => {
        clearTimeout(timer);
        proc.stdout!.destroy();
        proc.stderr!.destroy();
        resolve({ code, signal });
      };
      const timer = setTimeout(done, 200);
      if (proc.stderr!.readableEnded && proc.stdout!.readableEnded) done();
      else proc.once('close', done);
    });
  });
  return { proc, exited, stderr: () => err, stdout: () => out };
}

/** Starts a child server on a free port and resolves once /readyz answers 200. */
export async function startChild(dataDir: string, timeoutMs = 15_000): Promise<ChildServer> {
  const port = await freePort();
  const c = spawnSwitchyard(['--port', String(port), '--data-dir', dataDir]);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  let exit: { code: number | null } | undefined;
  void c.exited.then((e) => { exit = e; });
  for (let wait = 20; ; wait = Math.min(wait * 2, 100)) {
    if (exit !== undefined) throw new Error(`child exited (${exit.code}) before ready: ${c.stderr()}`);
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      c.proc.kill('SIGKILL');
      throw new Error(`child not ready after ${timeoutMs} ms: ${c.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, wait));
  }
  return { proc: c.proc, url, dataDir, exited: c.exited, stderr: c.stderr };
}
