import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { CLIENT_COMMANDS, runProgram } from '../../src/cli/index.js';

/** Runs `switchyard <args>` in-process against the server at `base` (with `env` and `stdin`); resolves to exit code and output. */
export async function runCli(base: string, args: string[], env: Readonly<Record<string, string>> = {}, stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const program = new Command().name('switchyard').exitOverride().configureOutput({ writeOut: (t) => stdout.write(t), writeErr: (t) => stderr.write(t) });
  for (const c of CLIENT_COMMANDS) c.register(program, { env: { ...env, SWITCHYARD_URL: base }, io: { stdin: Object.assign(new PassThrough().end(stdin), { isTTY: false }), stdout, stderr } });
  const code = await runProgram(program, ['node', 'switchyard', ...args], stderr);
  return { code, out, err };
}
