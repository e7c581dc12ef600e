// Child processes and temp dirs of a benchmark run: spawned through tsx, cleaned up on exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import net from 'node:net';
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
