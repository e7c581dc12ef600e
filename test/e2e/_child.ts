// Runs the `switchyard` command as a child process for the tests that must kill or signal the
// server (crash safety, graceful shutdown) or run the CLI as a user does. Children run the
// compiled dist/ (built first when a source is newer, see scripts/build-if-stale.mjs), not a
// fresh tsx compile each: on a busy 2-core machine that compile alone took seconds per child.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
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

let built = false;

/**
 * The node arguments that run the CLI: dist/cli/main.js, built once per test process if stale
 * (npm test's pretest has normally built it already, so this is a quick mtime check).
 */
export function cliArgs(args: readonly string[]): string[] {
  if (!built) {
    execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'build-if-stale.mjs')], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
    built = true;
  }
  return [path.join(repoRoot, 'dist', 'cli', 'main.js'), ...args];
}

/** Spawns `switchyard start` with the given args; does not wait for readiness. */
export function spawnSwitchyard(args: readonly string[], env: Record<string, string> = {}): { proc: ChildProcess; exited: ChildServer['exited']; stderr: () => string; stdout: () => string } {
  const proc = spawn(process.execPath, cliArgs(['start', ...args]), {
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
      // Resolve once the pipes are drained. A grandchild (e.g. a worker) may hold them open
      // for a while after a kill, so stop waiting for them shortly after the exit.
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

/**
 * How long a child may take to answer /readyz. Generous on purpose: a child that starts in
 * ~0.3 s when the machine is idle can take tens of seconds while other suites load both cores;
 * a child that fails to start exits, and that is reported at once.
 */
export const READY_TIMEOUT_MS = 120_000;

/**
 * Starts a child server on a free port (extra env beside the defaults) and resolves once
 * /readyz answers 200; rejects at once if the child exits first.
 */
export async function startChild(dataDir: string, env: Record<string, string> = {}, timeoutMs = READY_TIMEOUT_MS): Promise<ChildServer> {
  const port = await freePort();
  const c = spawnSwitchyard(['--port', String(port), '--data-dir', dataDir], env);
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void c.exited.then((e) => { exit = e; });
  for (let wait = 20; ; wait = Math.min(wait * 2, 200)) {
    if (exit !== undefined) throw new Error(`child server (pid ${c.proc.pid}, ${url}, data dir ${dataDir}) exited (code ${exit.code}, signal ${exit.signal}) before GET /readyz answered 200; its stderr:\n${c.stderr()}`);
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > timeoutMs) {
      c.proc.kill('SIGKILL');
      throw new Error(`child server (pid ${c.proc.pid}, ${url}, data dir ${dataDir}) did not answer 200 on GET /readyz within ${timeoutMs} ms; its stderr:\n${c.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, wait));
  }
  return { proc: c.proc, url, dataDir, exited: c.exited, stderr: c.stderr };
}
